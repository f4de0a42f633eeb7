"""A ``Notice`` as an e-mail: plain text plus HTML, built with the standard library's ``email`` package.

Every text from the data (titles, names, comments) is escaped in the HTML, and nothing from the data can add a
header: the subject is made one line (line breaks and other control characters become spaces) and shortened.
Links are the notice's page paths under the deployment's base URL.
"""

import html
import re
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from dashboard.domain.notices import Notice

SUBJECT_MAX_CHARS = 200
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029\u202a-\u202e\u2066-\u2069]+")
FOOTER = "Sent by the ICS progress dashboard"


def one_line(text: str, limit: int = SUBJECT_MAX_CHARS) -> str:
    """``text`` on one line, without control or bidi override characters, at most ``limit`` characters."""
    flat = " ".join(_CONTROL.sub(" ", text).split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def url(base_url: str, page_path: str) -> str:
    return f"{base_url.rstrip('/')}/{page_path.lstrip('/')}"


def text_body(notice: Notice, base_url: str) -> str:
    parts = [notice.intro, ""]
    for block in notice.blocks:
        parts.append(block.heading)
        for line in block.lines:
            parts.append(f"- {line.text}")
            if line.detail:
                parts.extend(f"  {detail}" for detail in line.detail.splitlines() if detail.strip())
            if line.path:
                parts.append(f"  {url(base_url, line.path)}")
        parts.append("")
    parts.append(f"-- \n{FOOTER} to {notice.email}: {notice.why}.")
    return "\n".join(parts)


def html_body(notice: Notice, base_url: str) -> str:
    esc = html.escape
    parts = [
        '<!doctype html><html><body style="font-family:Arial,Helvetica,sans-serif;font-size:15px;color:#1a1a1a">',
        f"<p>{esc(notice.intro)}</p>",
    ]
    for block in notice.blocks:
        parts.append(f'<h3 style="font-size:16px;margin:18px 0 6px">{esc(block.heading)}</h3><ul>')
        for line in block.lines:
            item = esc(line.text)
            if line.path:
                item = f'<a href="{esc(url(base_url, line.path), quote=True)}">{item}</a>'
            if line.detail:
                item += (
                    '<br><span style="color:#444">' + "<br>".join(esc(d) for d in line.detail.splitlines()) + "</span>"
                )
            parts.append(f'<li style="margin-bottom:6px">{item}</li>')
        parts.append("</ul>")
    parts.append(f'<p style="color:#555;font-size:13px">{esc(FOOTER)} to {esc(notice.email)}: {esc(notice.why)}.</p>')
    parts.append("</body></html>")
    return "\n".join(parts)


def stored(*, recipient: str, subject: str, body_text: str, body_html: str, mail_from: str) -> EmailMessage:
    """An outbox row (its subject and the bodies ``text_body`` and ``html_body`` made) as the message sent."""
    mail = EmailMessage()
    mail["Subject"] = one_line(subject)
    mail["From"] = one_line(mail_from, 254)
    mail["To"] = one_line(recipient, 254)
    mail["Date"] = formatdate(localtime=False, usegmt=True)
    mail["Message-ID"] = make_msgid(domain=mail_from.rpartition("@")[2].strip(" >") or None)
    mail["Auto-Submitted"] = "auto-generated"
    mail.set_content(body_text)
    mail.add_alternative(body_html, subtype="html")
    return mail
