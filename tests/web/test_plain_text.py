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
    assert not UNESCAPED_SPECIAL.search(escaped.replace("\\\\", "")), escaped


def test_plain_leaves_ordinary_text_alone() -> None:
    assert plain("Draft saved. It is not submitted yet.") == "Draft saved. It is not submitted yet."
