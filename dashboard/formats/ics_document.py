"""Parse an Integrated Country Strategy (ICS) document into goals and objectives.

Works on the published template (Markdown, plain text or PDF), not on one file:
markers, field labels and page furniture vary between missions.
"""

from __future__ import annotations

import datetime
import difflib
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dashboard.formats.sandbox import DocumentRefused, run_bounded

__all__ = [
    "DEFAULT_MAX_BYTES",
    "IcsParseError",
    "ParsedGoal",
    "ParsedMission",
    "ParsedObjective",
    "ParsedStrategy",
    "parse_ics_bytes",
    "parse_ics_file",
    "parse_ics_text",
    "read_document",
    "read_document_bytes",
]

DEFAULT_MAX_BYTES = 10 * 1024 * 1024


class IcsParseError(ValueError):
    """The input cannot be read or is not an ICS; the message is one user-facing line."""

    def __init__(self, message: str) -> None:
        # Messages end up in a Streamlit error box and in logs: keep them on one line.
        super().__init__(" ".join(str(message).split()))


@dataclass
class ParsedObjective:
    """A mission objective ("1.1") or a management objective ("M1")."""

    code: str
    title: str
    justification: str
    linkages: str
    risks: str
    kind: str  # "mission" | "management"

    def to_dict(self) -> dict[str, str]:
        """Serialisable form, without ``kind`` (implied by where it sits)."""
        return {
            "code": self.code,
            "title": self.title,
            "justification": self.justification,
            "linkages": self.linkages,
            "risks": self.risks,
        }


@dataclass
class ParsedGoal:
    """A mission goal with its objectives."""

    code: str
    title: str
    description: str
    objectives: list[ParsedObjective]


@dataclass
class ParsedMission:
    """Who the strategy belongs to and when it was approved."""

    country: str
    post: str
    strategy_start: int
    strategy_end: int
    approved: datetime.date | None
    updated: datetime.date | None
    release_marking: str = "FOR PUBLIC RELEASE"


@dataclass
class ParsedStrategy:
    """Everything read from one ICS document."""

    mission: ParsedMission
    goals: list[ParsedGoal]
    management_objectives: list[ParsedObjective]
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable dict with a fixed key order."""
        m = self.mission
        return {
            "mission": {
                "country": m.country,
                "post": m.post,
                "strategy_start": m.strategy_start,
                "strategy_end": m.strategy_end,
                "approved": m.approved.isoformat() if m.approved else None,
                "updated": m.updated.isoformat() if m.updated else None,
            },
            "goals": [
                {
                    "code": g.code,
                    "title": g.title,
                    "description": g.description,
                    "objectives": [o.to_dict() for o in g.objectives],
                }
                for g in self.goals
            ],
            "management_objectives": [o.to_dict() for o in self.management_objectives],
        }


# --------------------------------------------------------------------------- reading


def _human_size(n: int) -> str:
    if n >= 1024 * 1024:
        value, unit = n / (1024 * 1024), "MB"
    elif n >= 1024:
        value, unit = n / 1024, "KB"
    else:
        return f"{n} bytes"
    return f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"


# A published ICS runs 10-40 pages; a PDF past either cap is refused, never read in part.
MAX_PDF_PAGES = 150
MAX_TEXT_CHARS = 1_000_000
# PDFium runs in a child process with these caps (sandbox.run_bounded): reading a 40-page ICS takes about
# 100 MB and a second, and a compression bomb decodes gigabytes before any page or character cap applies.
PDF_MEMORY_BYTES = 1024 * 1024 * 1024
PDF_SECONDS = 20
NO_TEXT_LAYER = "this PDF has no text layer; export it with text"
PDF_REFUSALS = {
    "memory": "this PDF needs more memory than an ICS should; export it again or upload the text",
    "time": f"this PDF took longer than {PDF_SECONDS} s to read; export it again or upload the text",
    "crash": "the PDF reader stopped on this file; export it again or upload the text",
}


def _read_pdf_bounded(data: bytes, name: str) -> str:
    """``read_pdf_text`` in a child process capped at PDF_MEMORY_BYTES and PDF_SECONDS; the server is untouched."""
    try:
        text: str = run_bounded(read_pdf_text, data, name, memory_bytes=PDF_MEMORY_BYTES, seconds=PDF_SECONDS)
    except DocumentRefused as exc:
        if exc.reason == "refused":
            raise IcsParseError(str(exc)) from None
        raise IcsParseError(f"cannot read {name}: {PDF_REFUSALS[exc.reason]}") from None
    return text


def read_pdf_text(data: bytes, name: str) -> str:
    """Extract the text layer with PDFium (pypdfium2); pages joined by a form feed. Unbounded: run it
    through ``_read_pdf_bounded``.

    PDFium keeps State Department glyph runs whole ("Justification", not "Ju stification"),
    which pypdf's extractor splits; it is also several times faster than pdfminer.six.
    """
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise IcsParseError(f"cannot read {name}: the PDF is password-protected; {NO_TEXT_LAYER}") from exc
        raise IcsParseError(f"cannot read {name}: not a valid PDF (damaged or truncated)") from exc
    try:
        n_pages = len(pdf)
        if n_pages == 0:
            raise IcsParseError(f"cannot read {name}: the PDF has no pages")
        if n_pages > MAX_PDF_PAGES:
            raise IcsParseError(
                f"cannot read {name}: it has {n_pages:,} pages, more than the {MAX_PDF_PAGES} an ICS may have; "
                "upload the strategy without its annexes"
            )
        texts: list[str] = []
        total = 0
        for index in range(n_pages):
            page = pdf[index]
            textpage = page.get_textpage()
            try:
                chunk = textpage.get_text_range()
            finally:
                textpage.close()
                page.close()
            total += len(chunk)
            if total > MAX_TEXT_CHARS:
                raise IcsParseError(
                    f"cannot read {name}: more than {MAX_TEXT_CHARS:,} characters of text; an ICS is far shorter"
                )
            chunk = chunk.replace("\r\n", "\n").replace("\r", "\n")
            # PDFium turns a hyphen that ends a line into U+FFFE (or STX) and drops the line break.
            for mark in ("\ufffe", "\x02"):
                chunk = chunk.replace(mark + "\n", "-\n").replace(mark, "-\n")
            texts.append(chunk)
    except (IcsParseError, MemoryError):
        raise
    except Exception as exc:
        raise IcsParseError(f"cannot read {name}: not a valid PDF (damaged or truncated)") from exc
    finally:
        pdf.close()
    text = "\f".join(texts)
    if not text.strip():
        raise IcsParseError(f"cannot read {name}: {NO_TEXT_LAYER}")
    return text


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _decode_text(data: bytes, name: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise IcsParseError(f"{name} is not readable text (broken UTF-16)") from exc
    if b"\x00" in data:
        raise IcsParseError(f"{name} is a binary file, not a text or PDF document")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise IcsParseError(f"{name} is not readable text (unknown encoding)")
    # cp1252 decodes almost any byte soup; control characters give binary away.
    if len(_CONTROL.findall(text)) > max(2, len(text) // 100):
        raise IcsParseError(f"{name} is a binary file, not a text or PDF document")
    return text


def read_document(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Return the text of a Markdown, plain-text or PDF file (PDF pages joined by "\\f")."""
    p = Path(path)
    name = p.name or str(p)
    if not p.exists():
        raise IcsParseError(f"file not found: {name}")
    if p.is_dir():
        raise IcsParseError(f"{name} is a folder, not a document")
    try:
        size = p.stat().st_size
        if size > max_bytes:
            raise IcsParseError(f"{name} is too large ({_human_size(size)}); the limit is {_human_size(max_bytes)}")
        with p.open("rb") as fh:
            # Read one byte past the limit in case the file grew since stat().
            data = fh.read(max_bytes + 1)
    except IcsParseError:
        raise
    except OSError as exc:
        raise IcsParseError(f"cannot open {name}: {exc.strerror or type(exc).__name__}") from exc
    return read_document_bytes(data, name, max_bytes=max_bytes)


def read_document_bytes(data: bytes, name: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Return the text of an uploaded Markdown, plain-text or PDF document (``name`` is its file name)."""
    if len(data) > max_bytes:
        raise IcsParseError(f"{name} is too large ({_human_size(len(data))}); the limit is {_human_size(max_bytes)}")
    if not data.strip():
        raise IcsParseError(f"{name} is empty")

    if b"%PDF-" in data[:1024]:
        return _read_pdf_bounded(data, name)
    if name.lower().endswith(".pdf"):
        raise IcsParseError(f"cannot read {name}: not a valid PDF")
    text = _decode_text(data, name)
    if not text.strip():
        raise IcsParseError(f"{name} is empty")
    return text


def parse_ics_bytes(data: bytes, name: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> ParsedStrategy:
    """Parse an uploaded ICS document (Markdown, text or PDF)."""
    return parse_ics_text(read_document_bytes(data, name, max_bytes=max_bytes), source=name)


# --------------------------------------------------------------------------- line cleaning

_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DATE = (
    rf"(?:{_MONTHS}\.?\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+{_MONTHS}\.?,?\s+\d{{4}}"
    rf"|{_MONTHS}\.?,?\s+\d{{4}}|\d{{4}}-\d{{1,2}}-\d{{1,2}}|\d{{1,2}}/\d{{1,2}}/\d{{4}})"
)
_DATE_LABEL = (
    r"(?P<label>originally\s+approved|approved|reviewed\s+and\s+updated|reviewed\s*/\s*updated"
    r"|last\s+updated|updated|reviewed|revised)"
)
_DATE_ITEM = re.compile(rf"{_DATE_LABEL}\s*(?:on)?\s*[:\-–—]?\s*(?P<date>{_DATE})\.?", re.I)
_RELEASE = re.compile(
    r"^(?:[\W_]*(?:for\s+public\s+release|unclassified|sensitive\s+but\s+unclassified)"
    r"(?:\s+page\s*\d{1,4}\s*(?:of|/)\s*\d{1,4})?)+[\W_]*$",
    re.I,
)
_PAGE_NUMBER = re.compile(
    r"^(?:(?:page|p\.)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?|\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?"
    r"|[-–—]\s*\d{1,4}\s*[-–—])$",
    re.I,
)
_MARKING = r"(?:sensitive\s+but\s+unclassified|for\s+public\s+release|unclassified)"
_PAGE_OF = r"(?:page\s*\d{1,4}\s*(?:of|/)\s*\d{1,4})"
_FURNITURE_RUN = rf"(?:(?:{_MARKING}|{_PAGE_OF})(?:\s+(?:{_MARKING}|{_PAGE_OF}))*)"
# Glued to body text, furniture is told apart by its capitals ("FOR PUBLIC RELEASE", "Page 9 of 23",
# "Approved:"): PDF extractors return it with a single space when it shares the text's height.
_UPPER_MARKING = r"(?-i:SENSITIVE\s+BUT\s+UNCLASSIFIED|FOR\s+PUBLIC\s+RELEASE|UNCLASSIFIED)"
_UPPER_PAGE_OF = r"(?-i:Page|PAGE)\s*\d{1,4}\s*(?:of|OF|/)\s*\d{1,4}"
_GLUED_RUN = rf"(?:(?:{_UPPER_MARKING}|{_UPPER_PAGE_OF})(?:\s+(?:{_UPPER_MARKING}|{_UPPER_PAGE_OF}))*)"
# Running furniture that an extractor put on the same line as body text (same height on the page).
_GLUED_HEAD = re.compile(rf"^{_GLUED_RUN}\s+(?=\S)", re.I)
_GLUED_TAIL = re.compile(rf"(?<=\S)\s+{_GLUED_RUN}$", re.I)
_GLUED_DATE_TAIL = re.compile(
    rf"(?<=\S)\s+(?=(?-i:[A-Z]))(?:{_DATE_LABEL}\s*(?:on)?\s*[:\-–—]\s*{_DATE}\.?\s*)+$", re.I
)
_RELEASE_MARKING = re.compile(rf"\b{_MARKING}\b", re.I)
_ICS_HEADER = re.compile(r"^integrated\s+country\s+strategy\b\s*[-–—:|,]?\s*(?P<rest>.*)$", re.I)
_SECTION_TITLES = (
    r"(?:chief\s+of\s+mission\s+priorities|mission\s+strategic\s+framework"
    r"|mission\s+goals\s+and\s+objectives|management\s+objectives?|table\s+of\s+contents|contents)"
)
_TOC_LINE = re.compile(r"(?:\t|\.{3,}|…|\s{3,}|(?:\s\.){3,})\s*\d{1,3}$")
_TOC_TITLE = re.compile(rf"^(?:\d\.?\s*)?{_SECTION_TITLES}\s+\d{{1,3}}$", re.I)
_HRULE = re.compile(r"^(?:[-*_=]\s*){3,}$")

_BULLET_GLYPHS = "•·▪■●◦‣►➢\uf0b7\uf0a7\uf0d8"  # and "-*+", which alone on a line are not bullets
_BULLET = re.compile(rf"^(?:[-*+{_BULLET_GLYPHS}])\s+")
_LONE_BULLET = re.compile(rf"^[{_BULLET_GLYPHS}]$")
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!$|>~<&\"'])")
_EMPHASIS = re.compile(r"(?<![\w*_])([*_])(?=\S)([^*_]+?)(?<=\S)\1(?![\w*_])")
_HTML = re.compile(r"</?[a-zA-Z][^>]*>|<!--.*?-->")


def _strip_markdown(raw: str) -> tuple[str, bool, bool]:
    """Remove Markdown decoration; return (text, was_heading, was_bullet)."""
    s = raw.strip()
    heading = False
    m = re.match(r"^#{1,6}\s*", s)
    if m:
        heading = True
        s = s[m.end() :].rstrip("#").strip()
    s = re.sub(r"^>\s*", "", s)  # blockquotes
    bullet = False
    if _BULLET.match(s) and not _PAGE_NUMBER.match(s) and not _HRULE.match(s):
        bullet = True
        s = _BULLET.sub("", s, count=1)
    s = _IMAGE.sub("", s)
    s = _LINK.sub(r"\1", s)
    s = _HTML.sub("", s)
    s = s.replace("**", "").replace("__", "")
    s = _EMPHASIS.sub(r"\2", s)
    s = _ESCAPE.sub(r"\1", s)
    return s.strip(), heading, bullet


def _collapse(s: str) -> str:
    return " ".join(s.split())


def _parse_date(s: str) -> datetime.date | None:
    s = _collapse(s).strip(" .,")
    s = re.sub(r"\bsept\b", "Sep", s, flags=re.I)
    s = re.sub(r"(?<=[A-Za-z])\.", "", s)
    s = re.sub(r"(\d),?\s+(\d{4})$", r"\1, \2", s)
    for fmt in (
        "%B %d, %Y",
        "%b %d, %Y",
        "%d %B, %Y",
        "%d %b, %Y",
        "%d %B %Y",
        "%d %b %Y",
        "%Y-%m-%d",
        "%m/%d/%Y",
        "%B %Y",
        "%b %Y",
        "%B, %Y",
        "%b, %Y",
    ):
        try:
            return datetime.datetime.strptime(s, fmt).date()
        except ValueError:
            continue
    return None


def _furniture_dates(line: str) -> list[tuple[str, datetime.date]] | None:
    """If the line is only approval/update stamps, return them; else None."""
    pos = 0
    found: list[tuple[str, datetime.date]] = []
    for m in _DATE_ITEM.finditer(line):
        if line[pos : m.start()].strip(" \t|,;/-–—"):
            return None
        d = _parse_date(m.group("date"))
        if d is None:
            return None
        label = _collapse(m.group("label")).lower()
        found.append(
            ("updated" if ("updated" in label or "revised" in label or label == "reviewed") else "approved", d)
        )
        pos = m.end()
    if not found or line[pos:].strip(" \t|,;/-–—"):
        return None
    return found


# --------------------------------------------------------------------------- structure

_SEP = r"(?:\s*[:|.–—‒]|\s+-|-(?=\s))"
_GOAL = re.compile(
    rf"^(?:mission\s+)?goal\s*(?:no\.?\s*|#\s*)?(?P<g>\d{{1,2}})(?![.\d]\d)(?P<sep>{_SEP})?\s*(?P<title>.*)$",
    re.I,
)
_OBJECTIVE = re.compile(
    rf"^(?:mission\s+)?objective\s*(?:no\.?\s*|#\s*)?(?P<g>\d{{1,2}})\s*\.\s*(?P<o>\d{{1,2}})"
    rf"(?![.\d]\d)(?P<sep>{_SEP})?\s*(?P<title>.*)$",
    re.I,
)
_MANAGEMENT = re.compile(
    rf"^management\s+objective\b\s*(?:no\.?\s*|#\s*|m(?=\d))?(?:\d{{1,2}}\s*\.\s*(?=\d))?(?P<n>\d{{1,2}})?"
    rf"(?![.\d]\d)(?P<sep>{_SEP})?"
    rf"\s*(?P<title>.*)$",
    re.I,
)
_FIELD = re.compile(
    r"^(?P<label>description|justifications?|linkages?|risks?)(?P<sep>\s*(?::|\||[–—‒])|\s+-(?=\s|$))"
    r"\s*(?P<rest>.*)$",
    re.I,
)
_BARE_FIELD = re.compile(r"^(description|justifications?|linkages?|risks?)$", re.I)
_FIELD_NAMES = {
    "description": "description",
    "justification": "justification",
    "justifications": "justification",
    "linkage": "linkages",
    "linkages": "linkages",
    "risk": "risks",
    "risks": "risks",
}
_SECTION_HEADING = re.compile(
    rf"^(?:section\s+)?(?:\d\s*[.:)]?\s*)?(?:{_SECTION_TITLES})\s*:?$",
    re.I,
)
_BACK_MATTER = re.compile(r"^(?:Annex|ANNEX|Appendix|APPENDIX|Acronyms|ACRONYMS|Glossary|GLOSSARY)\b")
# A wrapped sentence can put "Objective 4.4." at the start of a PDF line; a line that
# ends mid-phrase before it means it is a citation, not a marker.
_DANGLING = re.compile(
    r"(?:[,(/&]|\b(?:and|or|of|to|in|on|with|for|by|the|under|see|including|per|via|from"
    r"|JRS|JSP|FBS|CDCS|State|USAID|WHA|LAC))$",
    re.I,
)
_ENDS_SENTENCE = re.compile(r"[.!?;:”\"]$")


@dataclass
class _Line:
    text: str
    gap: int  # 0 text, 1 page break or furniture, 2 blank line (a paragraph break)
    heading: bool = False
    bullet: bool = False
    page: int = 0


@dataclass
class _Segment:
    text: str
    gap_before: int  # as _Line.gap: the strongest gap since the previous text line
    bullet: bool


@dataclass
class _Block:
    kind: str  # "goal" | "objective" | "management"
    number: str | None  # "1", "1.1", management "1" or None
    index: int
    title: list[_Segment] = field(default_factory=list)
    pre: list[_Segment] = field(default_factory=list)
    fields: dict[str, list[_Segment]] = field(default_factory=dict)

    def score(self) -> tuple[int, int]:
        """How much body this occurrence carries (section 3/4 beats section 2)."""
        return (len(self.fields), 1 if self.pre else 0)


def _hyphen_sep(out: str, t: str, words: frozenset[str]) -> str:
    """ "" to keep a compound ("Indo-" + "Pacific"); "\x00" to rejoin a word split at a line end."""
    left = re.search(r"([A-Za-z]+)-$", out)
    right = re.match(r"[a-z]+", t)
    if left and right and (left.group(1) + right.group(0)).lower() in words:
        return "\x00"  # "com-" + "pletion" and the document also says "completion"
    return ""


def _glue(out: str, sep: str, t: str) -> str:
    return out[:-1] + t if sep == "\x00" else out + sep + t


def _join(segments: list[_Segment], words: frozenset[str] = frozenset()) -> str:
    """Join wrapped lines into paragraphs following the page-break rules."""
    out = ""
    for seg in segments:
        t = _collapse(seg.text)
        if not t:
            continue
        if not out:
            out = t
            continue
        if seg.bullet:
            sep = "\n"
        elif seg.gap_before == 2 and _ENDS_SENTENCE.search(out) and not t[0].islower():
            sep = "\n\n"
        elif re.search(r"[A-Za-z]-$", out):
            sep = _hyphen_sep(out, t, words)  # "anti-" + "corruption" stays a compound
        else:
            sep = " "
        out = _glue(out, sep, t)
    return out.strip()


def _join_title(segments: list[_Segment], words: frozenset[str] = frozenset()) -> str:
    out = ""
    for seg in segments:
        t = _collapse(seg.text)
        if not t:
            continue
        if out and re.search(r"[A-Za-z]-$", out):
            out = _glue(out, _hyphen_sep(out, t, words), t)
        else:
            out = f"{out} {t}" if out else t
    return out.strip()


def _title_case(name: str) -> str:
    small = {"and", "of", "the", "de", "da", "del", "du", "la", "y", "et"}
    words = _collapse(name).split(" ")
    result: list[str] = []
    for i, word in enumerate(words):
        parts = word.split("-")
        fixed = []
        for part in parts:
            low = part.lower()
            if i > 0 and low in small:
                fixed.append(low)
            else:
                fixed.append(low[:1].upper() + low[1:])
        result.append("-".join(fixed))
    return " ".join(result)


_COUNTRY_LIKE = re.compile(r"^[A-Za-zÀ-ÿ' .()\-–]{2,40}$")
_NOT_COUNTRY = re.compile(
    rf"^(?:{_SECTION_TITLES}|for public release|unclassified|approved|originally|reviewed|mission"
    r"|u\.s\.|united states|embassy|integrated)\b",
    re.I,
)


def _clean_country(candidate: str) -> str:
    """Title-cased country name, or "" if the candidate does not look like one."""
    c = re.sub(r"^(?:for|of)\s+", "", candidate.strip(" -–—:|,"), flags=re.I)
    if not c or c.endswith((".", ",")) or not c[0].isupper():
        return ""
    if not _COUNTRY_LIKE.match(c) or _NOT_COUNTRY.match(c):
        return ""
    return _title_case(c)


def _find_country(lines: list[tuple[str, bool]], text: str) -> str:
    """Country from the cover, the running header, or "U.S. Mission to X"."""
    for i, (line, _) in enumerate(lines):
        m = _ICS_HEADER.match(line)
        if not m:
            continue
        rest = _clean_country(m.group("rest"))
        if rest:
            return rest
        if i > 60:
            # Past the cover, the line after a running header is body text, not a country.
            continue
        for nxt, is_furniture in lines[i + 1 : i + 8]:
            if not nxt or is_furniture or _HRULE.match(nxt):
                continue
            found = _clean_country(nxt)
            if found:
                return found
            break
    m2 = re.search(
        r"U\.S\.\s+Mission\s+(?:to|in)\s+((?:the\s+)?[A-Z][\w'À-ÿ-]+(?:\s+(?:and\s+|of\s+|the\s+)?"
        r"[A-Z][\w'À-ÿ-]+){0,3})",
        text,
    )
    if m2:
        return _clean_country(m2.group(1))
    return ""


_POST_STOP = {
    "The", "Of", "In", "Building", "Staff", "Team", "Officials", "Employees", "Community",
    "Section", "Personnel", "Operations", "Management", "Country", "Front", "Office", "Level",
    "Level's", "Website", "Officers", "Leadership", "Compound", "Security", "Policy",
}  # fmt: skip


def _find_post(text: str, country: str) -> str:
    pairs = re.findall(r"\bEmbassy\s+([A-Z][\wÀ-ÿ]+)(?:\s+([A-Z][\wÀ-ÿ]+))?", text)
    firsts = Counter(a for a, _ in pairs if a not in _POST_STOP)
    if firsts:
        city = firsts.most_common(1)[0][0]
        seconds = [b for a, b in pairs if a == city]
        # Two-word capitals ("San José") always carry the same second word.
        if len(seconds) >= 2 and len(set(seconds)) == 1 and seconds[0] and seconds[0] not in _POST_STOP:
            city = f"{city} {seconds[0]}"
        return f"Embassy {city}"
    return f"U.S. Mission to {country}" if country else ""


# A year range followed or preceded by one of these belongs to a cited plan, not to the ICS.
_CITED_PLAN_AFTER = re.compile(
    r"^\W{0,3}(?:[A-Z]{2,6}\s+)?(?:joint\s+(?:strategic|regional)|strategic\s+plan|country\s+development"
    r"|development\s+cooperation|regional\s+strategy|functional\s+bureau|national|plan\b|jsp|jrs|cdcs|fbs"
    r"|action\s+plan|development\s+strategy|\w+\s+plan\b)",
    re.I,
)
_CITED_PLAN_BEFORE = re.compile(
    r"(?:usaid|jsp|jrs|cdcs|fbs|joint\s+strategic\s+plan|joint\s+regional\s+strategy|plan|'s|national)\W{0,3}$", re.I
)
_OWN_PERIOD = re.compile(r"period|this\s+strategy|integrated\s+country\s+strategy|\bics\b|fiscal|\bfy", re.I)


def _comparable(title: str) -> str:
    """A title without its "(Incorporates ...)" note, case, punctuation and spacing."""
    title = re.sub(r"\((?:incorporates|includes|see)\b[^)]*\)", "", title, flags=re.I)
    return " ".join(re.findall(r"[a-z0-9]+", title.lower()))


def _find_period(text: str) -> tuple[int, int] | None:
    """The ICS's own period ("over the 2022-2026 period", "ICS 2022-2026"); never a cited plan's years."""
    candidates: list[tuple[bool, int, int, int]] = []
    for m in re.finditer(r"\b((?:19|20)\d{2})\s*(?:-|–|—|to|through)\s*((?:19|20)\d{2})\b", text):
        start, end = int(m.group(1)), int(m.group(2))
        if not 2 <= end - start <= 6:
            continue
        before = text[max(0, m.start() - 40) : m.start()]
        after = text[m.end() : m.end() + 60]
        if _CITED_PLAN_AFTER.match(after) or _CITED_PLAN_BEFORE.search(before):
            continue
        if _OWN_PERIOD.search(before[-30:] + " " + after[:40]):
            candidates.append((False, m.start(), start, end))
    for m in re.finditer(r"\bFY\s?(\d{2})\s*[-–—]\s*FY\s?(\d{2})\b", text):
        start, end = 2000 + int(m.group(1)), 2000 + int(m.group(2))
        if 2 <= end - start <= 6:
            candidates.append((False, m.start(), start, end))
    if not candidates:
        return None
    _, _, start, end = min(candidates)
    return start, end


def _preprocess(text: str) -> _Preprocessed:
    """Clean lines, drop furniture; return lines, country, dates and the release marking."""
    text = text.replace("\ufeff", "").replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u00a0", " ").replace("\u00ad", "")
    text = re.sub(r"[\u200b-\u200d\u2060]", "", text)
    text = text.replace("\ufb01", "fi").replace("\ufb02", "fl")

    rows: list[tuple[str, bool, bool, int, bool]] = []  # text, heading, bullet, page, furniture
    approved: list[datetime.date] = []
    updated: list[datetime.date] = []
    markings: Counter[str] = Counter()
    for page_no, page in enumerate(text.split("\f")):
        # Blank lines at a page's edges are extraction artefacts, not paragraph breaks.
        for raw in _attach_lone_bullets(page.strip("\n").split("\n")):
            stripped = raw.strip()
            unglued = _unglue(stripped, markings, approved, updated)
            cleaned, heading, bullet = _strip_markdown(unglued)
            furniture = False
            if stripped and not unglued:
                furniture = True
            elif not cleaned or _HRULE.match(stripped):
                cleaned = ""
            elif (dates := _furniture_dates(_collapse(cleaned))) is not None:
                furniture = True
                for kind, d in dates:
                    (updated if kind == "updated" else approved).append(d)
            elif (
                _RELEASE.match(cleaned)
                or _PAGE_NUMBER.match(cleaned)
                or _PAGE_NUMBER.match(stripped)
                or _TOC_LINE.search(cleaned)
                or _TOC_TITLE.match(_collapse(cleaned))
            ):
                furniture = True
            if furniture:
                markings.update(m.upper() for m in map(_collapse, _RELEASE_MARKING.findall(cleaned)))
            rows.append((cleaned, heading, bullet, page_no, furniture))

    pairs = [(_collapse(r[0]), r[4]) for r in rows]
    country = _find_country(pairs, text)

    n_pages = text.count("\f") + 1
    repeated: set[str] = set()
    if n_pages >= 3:
        # Running headers/footers: the same short line at the top or bottom of many pages.
        seen: dict[str, set[int]] = {}
        by_page: dict[int, list[str]] = {}
        for cleaned, _, _, page_no, furniture in rows:
            if cleaned and not furniture:
                by_page.setdefault(page_no, []).append(_collapse(cleaned))
        for page_no, page_lines in by_page.items():
            for line in set(page_lines[:3] + page_lines[-3:]):
                if len(line) <= 80:
                    seen.setdefault(line.lower(), set()).add(page_no)
        threshold = max(3, int(0.3 * n_pages))
        repeated = {k for k, v in seen.items() if len(v) >= threshold}

    lines: list[_Line] = []
    prev_header = False
    last_page = 0
    for cleaned, heading, bullet, page_no, furniture in rows:
        if page_no != last_page:
            # A page break separates text like a blank line does.
            lines.append(_Line("", 1, page=page_no))
            last_page = page_no
        flat = _collapse(cleaned)
        if flat and not furniture:
            is_struct = bool(
                _GOAL.match(flat)
                or _OBJECTIVE.match(flat)
                or _MANAGEMENT.match(flat)
                or _FIELD.match(flat)
                or _BARE_FIELD.match(flat)
            )
            header = _ICS_HEADER.match(flat)
            # Only the bare title (or title + country) is a running header; a wrapped sentence
            # that happens to start with "Integrated Country Strategy" is content.
            if header and header.group("rest").lower() in ("", country.lower()):
                furniture = True
            elif prev_header and country and flat.lower() == country.lower():
                furniture = True
            elif flat.lower() in repeated and not is_struct:
                furniture = True
        if flat:
            header = _ICS_HEADER.match(flat)
            prev_header = bool(header) and not _clean_country(header.group("rest") if header else "")
        if furniture:
            lines.append(_Line("", 1, page=page_no))
        elif not flat:
            lines.append(_Line("", 2, page=page_no))
        else:
            lines.append(_Line(flat, 0, heading, bullet, page_no))

    _soften_breaks(lines)
    return _Preprocessed(
        lines,
        country,
        min(approved) if approved else None,
        max(updated) if updated else None,
        markings.most_common(1)[0][0] if markings else "",
    )


def _attach_lone_bullets(lines: list[str]) -> list[str]:
    """Put a bullet alone on its line (plain pdftotext's output) in front of its item, the next line with text.

    ["•", "", "Justification | ..."] becomes ["• Justification | ..."]; a bullet with no item after it on its
    page is dropped. Left alone, the bullet would end the text or title above it.
    """
    out: list[str] = []
    bullet = ""
    for line in lines:
        stripped = line.strip()
        if _LONE_BULLET.match(stripped):
            bullet = stripped
        elif bullet and stripped:
            out.append(f"{bullet} {stripped}")
            bullet = ""
        elif not bullet:
            out.append(line)
    return out


@dataclass
class _Preprocessed:
    lines: list[_Line]
    country: str
    approved: datetime.date | None
    updated: datetime.date | None
    marking: str


def _unglue(line: str, markings: Counter[str], approved: list[datetime.date], updated: list[datetime.date]) -> str:
    """Cut running furniture glued to the start or end of a body line; record what it said."""
    if _furniture_dates(_collapse(line)) is not None:
        return line  # a whole stamp line: the caller records it
    for pattern in (_GLUED_HEAD, _GLUED_TAIL):
        m = pattern.search(line)
        if m:
            markings.update(x.upper() for x in map(_collapse, _RELEASE_MARKING.findall(m.group(0))))
            line = line[: m.start()] + line[m.end() :]
    m = _GLUED_DATE_TAIL.search(line)
    if m and (dates := _furniture_dates(_collapse(m.group(0)))):
        for kind, d in dates:
            (updated if kind == "updated" else approved).append(d)
        line = line[: m.start()]
    if re.fullmatch(_FURNITURE_RUN, _collapse(line), re.I):
        markings.update(x.upper() for x in map(_collapse, _RELEASE_MARKING.findall(line)))
        return ""
    return line.strip()


def _soften_breaks(lines: list[_Line]) -> None:
    """Blank lines next to a page break or furniture are layout, not a paragraph break."""
    i = 0
    while i < len(lines):
        if lines[i].gap:
            j = i
            while j < len(lines) and lines[j].gap:
                j += 1
            if any(line.gap == 1 for line in lines[i:j]):
                for line in lines[i:j]:
                    line.gap = 1
            i = j
        else:
            i += 1


def _strong(sep: str | None) -> bool:
    # Citations in running text look like "Objective 4.4." or "Goal 6 -", never "Goal 6:".
    return bool(sep) and sep.strip() in (":", "|")


def _match_marker(line: str) -> tuple[str, str | None, str, bool] | None:
    """Return (kind, number, title, strong) if the line opens a goal/objective."""
    m = _OBJECTIVE.match(line)
    if m and (m.group("sep") or not m.group("title") or m.group("title")[0].isupper()):
        code = f"{int(m.group('g'))}.{int(m.group('o'))}"
        return "objective", code, m.group("title"), _strong(m.group("sep"))
    m = _MANAGEMENT.match(line)
    if m and (m.group("sep") or (m.group("n") and (not m.group("title") or m.group("title")[0].isupper()))):
        n = m.group("n")
        return "management", str(int(n)) if n else None, m.group("title"), _strong(m.group("sep"))
    m = _GOAL.match(line)
    if m and (m.group("sep") or not m.group("title") or m.group("title")[0].isupper()):
        return "goal", str(int(m.group("g"))), m.group("title"), _strong(m.group("sep"))
    return None


def _match_field(line: _Line) -> tuple[str, str, bool] | None:
    """Return (field name, text after the label, strong) for a field-label line."""
    m = _FIELD.match(line.text)
    if m:
        return _FIELD_NAMES[m.group("label").lower()], m.group("rest"), _strong(m.group("sep"))
    m = _BARE_FIELD.match(line.text)
    # A label alone on its line ("#### Justification", "RISKS") has its text below.
    if m and (line.heading or line.text[0].isupper()):
        return _FIELD_NAMES[m.group(1).lower()], "", True
    return None


def _is_section_heading(line: _Line) -> bool:
    if _SECTION_HEADING.match(line.text):
        return True
    if _BACK_MATTER.match(line.text) and len(line.text) <= 60 and not line.text.endswith(","):
        return True
    return line.heading


def _scan(lines: list[_Line]) -> list[_Block]:
    blocks: list[_Block] = []
    block: _Block | None = None
    target: list[_Segment] | None = None
    gap = 0
    prev_text = ""
    for line in lines:
        if line.gap:
            gap = max(gap, line.gap)
            continue
        text = line.text
        # A marker or label right after a wrapped, unfinished line is a citation inside a sentence
        # ("... AF Joint Regional Strategy" / "Objective 1.2."), unless its separator is strong.
        continuation = (
            bool(prev_text)
            and not gap
            and bool(_DANGLING.search(prev_text) or (len(prev_text) >= 60 and not _ENDS_SENTENCE.search(prev_text)))
        )
        marker = _match_marker(text)
        if marker and continuation and not marker[3]:
            marker = None
        label = _match_field(line)
        if label and continuation and not label[2]:
            label = None
        if marker:
            kind, number, title, _ = marker
            block = _Block(kind, number, len(blocks))
            blocks.append(block)
            target = block.title
            target.append(_Segment(title, 0, False))
        elif label and block is not None:
            target = block.fields.setdefault(label[0], [])
            # A repeated label continues the same field as a new paragraph.
            target.append(_Segment(label[1], 2, False))
        elif _is_section_heading(line):
            block, target = None, None
        elif block is not None and target is not None:
            if (
                target is block.title
                and gap == 2
                and not text[0].islower()
                and _ENDS_SENTENCE.search(_join_title(block.title))
            ):
                # Only a real blank line after a complete title starts body text.
                target = block.pre
            target.append(_Segment(text, gap, line.bullet and target is not block.title))
        gap = 0
        prev_text = text
    return blocks


def _similar(a: str, b: str) -> bool:
    return difflib.SequenceMatcher(None, a.lower(), b.lower()).ratio() >= 0.6


def parse_ics_text(text: str, *, source: str = "document") -> ParsedStrategy:
    """Parse ICS text (Markdown, plain or PDF-extracted) into a strategy."""
    if not text or not text.strip():
        raise IcsParseError(f"not an ICS: {source} is empty")
    pre = _preprocess(text)
    lines, country, approved, updated = pre.lines, pre.country, pre.approved, pre.updated
    blocks = _scan(lines)
    warnings: list[str] = []
    # Words the document spells whole: "com-" + "pletion" rejoins only if "completion" occurs.
    words = frozenset(w.lower() for line in lines for w in re.findall(r"[A-Za-z]+", line.text))

    goal_blocks = [b for b in blocks if b.kind == "goal"]
    obj_blocks = [b for b in blocks if b.kind == "objective"]
    if not goal_blocks:
        if not country:
            raise IcsParseError(f"not an ICS: no mission goals or country found in {source}")
        raise IcsParseError(f"not an ICS: no mission goals found in {source}")
    if not obj_blocks:
        raise IcsParseError(f"not an ICS: no mission objectives found in {source}")

    def choose(group: list[_Block], label: str = "", *, unique: bool = True) -> _Block:
        # Section 3/4 (the occurrence with body fields) is authoritative.
        chosen = max(group, key=lambda b: (b.score(), -b.index))
        with_body = [b for b in group if b.fields]
        if label and unique and len(with_body) > 1:
            raise IcsParseError(
                f"{source} has {label} {chosen.number} twice with its own texts; each code must appear once"
            )
        if label:
            title = _comparable(_join_title(chosen.title, words))
            for other in group:
                other_title = _comparable(_join_title(other.title, words))
                # A changed letter or word ("view"/"views") is an edit; a different sentence is a conflict.
                if other is not chosen and difflib.SequenceMatcher(None, other_title, title).ratio() < 0.9:
                    warnings.append(
                        f"section 2 and section 3 titles differ for {label} {chosen.number}; section 3's title is used"
                    )
                    break
        return chosen

    def fields_of(b: _Block) -> dict[str, str]:
        out = {k: _join(v, words) for k, v in b.fields.items()}
        pre = _join(b.pre, words)
        if pre:
            first = "description" if b.kind == "goal" else "justification"
            out[first] = f"{pre}\n\n{out[first]}" if out.get(first) else pre
        return out

    def by_code(group: list[_Block]) -> dict[str, list[_Block]]:
        out: dict[str, list[_Block]] = {}
        for b in group:
            out.setdefault(str(b.number), []).append(b)
        return out

    def make_objective(code: str, b: _Block, kind: str, label: str) -> ParsedObjective:
        f = fields_of(b)
        for key, name in (("justification", "Justification"), ("linkages", "Linkages"), ("risks", "Risks")):
            if not f.get(key):
                warnings.append(f"{label} {code}: no {name} text found")
        return ParsedObjective(
            code=code,
            title=_join_title(b.title, words),
            justification=f.get("justification", ""),
            linkages=f.get("linkages", ""),
            risks=f.get("risks", ""),
            kind=kind,
        )

    goals: dict[str, tuple[int, ParsedGoal]] = {}
    for code, group in by_code(goal_blocks).items():
        b = choose(group, "goal", unique=False)  # a goal's title may differ between the sections: say so
        desc = fields_of(b).get("description", "")
        if not desc:
            warnings.append(f"goal {code}: no Description text found")
        goals[code] = (b.index, ParsedGoal(code, _join_title(b.title, words), desc, []))

    placed: dict[str, list[tuple[int, ParsedObjective]]] = {}
    for code, group in by_code(obj_blocks).items():
        b = choose(group, "objective")
        goal_code = code.split(".")[0]
        if goal_code not in goals:
            warnings.append(f"objective {code} refers to goal {goal_code}, which is not in the document; skipped")
            continue
        placed.setdefault(goal_code, []).append((b.index, make_objective(code, b, "mission", "objective")))
    ordered_goals: list[ParsedGoal] = []
    for _, goal in sorted(goals.values(), key=lambda t: t[0]):
        goal.objectives = [o for _, o in sorted(placed.get(goal.code, []), key=lambda t: t[0])]
        if not goal.objectives:
            warnings.append(f"goal {goal.code} has no objectives")
        ordered_goals.append(goal)
    if not any(g.objectives for g in ordered_goals):
        raise IcsParseError(f"not an ICS: no mission objectives matching its goals in {source}")

    management = _management(blocks, make_objective, warnings)

    if not country:
        warnings.append("country not found in the document")
    period = _find_period(text)
    if period:
        start, end = period
    elif approved:
        start, end = approved.year, approved.year + 4
        warnings.append(
            f"the document states no strategy period; assumed {start}-{end} from its approval date "
            f"({approved.isoformat()})"
        )
    else:
        start = end = 0
        warnings.append("strategy period not found in the document")
    if not pre.marking:
        warnings.append("no release marking found in the document; assumed FOR PUBLIC RELEASE")
    mission = ParsedMission(
        country=country,
        post=_find_post(text, country),
        strategy_start=start,
        strategy_end=end,
        approved=approved,
        updated=updated,
        release_marking=pre.marking or "FOR PUBLIC RELEASE",
    )
    return ParsedStrategy(mission, ordered_goals, management, warnings)


def _management(
    blocks: list[_Block],
    make_objective: Callable[[str, _Block, str, str], ParsedObjective],
    warnings: list[str],
) -> list[ParsedObjective]:
    """Number management objectives ("M1"...) and pick the authoritative occurrence."""
    mgmt = [b for b in blocks if b.kind == "management"]
    with_body = [b for b in mgmt if b.fields]
    title_only = [b for b in mgmt if not b.fields]

    def number(group: list[_Block]) -> list[tuple[str, _Block]]:
        out: list[tuple[str, _Block]] = []
        last = 0
        for b in group:
            n = int(b.number) if b.number else last + 1
            last = n
            out.append((f"M{n}", b))
        return out

    chosen: dict[str, _Block] = {}
    for code, b in number(with_body):
        if code not in chosen or b.score() > chosen[code].score():
            chosen[code] = b
    body_titles = [_join_title(b.title) for b in chosen.values()]
    extra_n = max((int(c[1:]) for c in chosen), default=0)
    for code, b in number(title_only):
        title = _join_title(b.title)
        if b.number is None:
            # An unnumbered framework entry names an objective that section 4 already has.
            if any(_similar(title, t) for t in body_titles):
                continue
            extra_n += 1
            code = f"M{extra_n}"
        if code not in chosen:
            chosen[code] = b
    if not chosen:
        warnings.append("no management objective found")
    items = sorted(chosen.items(), key=lambda kv: kv[1].index)
    return [make_objective(code, b, "management", "management objective") for code, b in items]


def parse_ics_file(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> ParsedStrategy:
    """Read a Markdown, text or PDF file and parse it as an ICS."""
    p = Path(path)
    text = read_document(p, max_bytes=max_bytes)
    return parse_ics_text(text, source=p.name or str(p))
