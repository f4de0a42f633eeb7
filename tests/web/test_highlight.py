"""Search highlights and ``plain``: document text in Markdown can never become a link, only bold matches."""

import re

import pytest
from markdown_it import MarkdownIt

from dashboard.domain import search
from dashboard.web.widgets import highlighted, plain

# GitHub-flavoured Markdown (Streamlit's remark-gfm) turns these into links in the rendered text, escapes or not.
GFM_AUTOLINKS = [
    re.compile(r"[-.\w+]+@[-\w]+(?:\.[-\w]+)+"),
    re.compile(r"(?:https?://|www\.)[-.\w]+", re.IGNORECASE),
]
HOSTILE = [
    "[click here](https://evil.example/steal) to see the corruption report",
    "<a href='https://evil.example'>corruption</a> <img src=x onerror=alert(1)>",
    "Mail corruption@evil.example or visit www.evil.example and http://evil.example/x",
    "![corruption](https://evil.example/pixel.png) **loud** `code` :red[alarm]",
    "[corruption]: https://evil.example\n\n[see][corruption]",
]


def _html(markdown: str) -> str:
    return MarkdownIt("commonmark").render(markdown)


def _codes(html: str) -> list[str]:
    return re.findall(r"<code>(.*?)</code>", html)


def _text_of(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_document_text_cannot_render_a_link(text: str) -> None:
    markdown = highlighted(search.segments(text, ["corruption", "evil"]))
    html = _html(markdown)
    assert "<a " not in html and "<img" not in html, html
    # code spans hold only e-mails and web addresses (nothing inside a code span is a link); outside them no
    # text is left that GitHub-flavoured Markdown would turn into a link
    assert all(re.search(r"@|www\.|https?:", code) for code in _codes(html)), html
    outside = _text_of(re.sub(r"<code>.*?</code>", " ", html))
    assert not any(pattern.search(outside) for pattern in GFM_AUTOLINKS), outside
    # a person reads the document's own words, matches in bold
    assert _text_of(html).replace("\n", " ").split() == text.replace("\n", " ").split()
    assert "<strong>corruption</strong>" in html


@pytest.mark.parametrize("text", ["officer@usaid.gov", "see www.state.gov", "https://example.gov/page"])
def test_plain_defeats_autolinks_of_e_mails_and_web_addresses(text: str) -> None:
    html = _html(plain(text))
    outside = _text_of(re.sub(r"<code>.*?</code>", " ", html))
    assert not any(pattern.search(outside) for pattern in GFM_AUTOLINKS), outside
    assert _text_of(html).strip() == text  # copied, it is exactly the stored text


def test_highlighted_bolds_only_the_matches_and_keeps_line_breaks() -> None:
    markdown = highlighted(search.segments("Curb corruption.\nCourts (2.1)", ["corruption", "2.1"]))
    assert markdown == "Curb **corruption**.  \nCourts \\(**2.1**\\)"
    assert "<br" in _html(markdown)
