"""``ui.plain``: user and database text inside Streamlit's Markdown messages and labels stays literal."""

import re

import pytest

from dashboard.web.widgets import plain
from tests.appcast import rendered

UNESCAPED_SPECIAL = re.compile(r"(?<!\\)[\[\]()*_`<>@:$~|#!+{}]")


@pytest.mark.parametrize(
    "text",
    [
        "officer@usaid.gov",
        "[click me](https://evil.example)",
        "**loud** _quiet_ `code` <b>bold</b>",
        ":red[alarm] :material/warning: $x^2$",
        "back\\slash and ~~struck~~ | pipe # hash",
    ],
)
def test_plain_escapes_every_markdown_trigger_and_reads_the_same(text: str) -> None:
    escaped = plain(text)
    assert rendered(escaped) == text  # a person reads exactly what was stored
    outside_code = re.sub(r"`[^`]*`", "", escaped)  # a code span is literal: nothing in it is a link or markup
    assert not UNESCAPED_SPECIAL.search(outside_code.replace("\\\\", "")), escaped
    assert "\u2060" not in escaped  # copied text is exactly what was stored


def test_plain_leaves_ordinary_text_alone() -> None:
    assert plain("Draft saved. It is not submitted yet.") == "Draft saved. It is not submitted yet."


@pytest.mark.parametrize("address", ["officer@usaid.gov", "https://evil.example/x", "www.example.gov"])
def test_an_address_is_shown_as_code_so_it_is_never_a_link_and_copies_as_typed(address: str) -> None:
    assert plain(f"Signed in as {address}.") == f"Signed in as `{address}`."
