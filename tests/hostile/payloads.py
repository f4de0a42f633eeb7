"""The payloads the hostile tests send: control characters, Markdown and HTML that would render live."""

import re

CONTROL_CHARACTERS = [
    "bell \x07 rings",
    "escape \x1b[31mred\x1b[0m text",
    "nul \x00 byte",
    "form feed \x0c and vertical tab \x0b",
    "delete \x7f char",
]

MARKDOWN = [
    "x'. **Your session expired.** [Sign in again](http://phish.example/login) ![p](http://phish.example/p.png)",
    "<img src=http://phish.example/i.png onerror=alert(1)>",
    "<a href='http://phish.example'>click</a>",
    "[link](javascript:alert(1))",
    "https://phish.example/autolink",
    ":red[coloured] :material/warning: $x^2$",
]

# Markdown that would come out live: a link, an image, an autolink, raw HTML, bold, or a colour/icon directive.
_LIVE = [
    re.compile(r"(?<!\\)\[[^\]]*(?<!\\)\]\((?!\))"),  # [text](target) with unescaped brackets
    re.compile(r"(?<!\\)!(?<!\\)\["),  # image
    re.compile(r"(?<!\\)<[a-zA-Z/]"),  # raw HTML tag
    re.compile(r"(?<![\\\w])https?(?<!\\):(?<!\\)//"),  # a bare URL turns into a link
    re.compile(r"(?<!\\)\*(?<!\\)\*\S"),  # bold
    re.compile(r"(?<!\\):(red|material)"),  # directives
]


def live_markdown(body: str) -> list[str]:
    """The pieces of ``body`` that Streamlit's Markdown would render as links, images, HTML or formatting.

    A code span (between unescaped backticks) is literal text: nothing inside it renders."""
    body = re.sub(r"(?<!\\)`[^`]*`", "", body)
    return [m.group(0) for pattern in _LIVE for m in pattern.finditer(body)]
