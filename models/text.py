"""The one cleaning step for text that enters the database or leaves it in a file.

C0 control characters other than tab and newline (a bell, an escape sequence, NUL) break
spreadsheets and terminals and carry no meaning in a strategy's text: they are removed.
Carriage returns become newlines, and text is normalised to Unicode NFC so that the same
words typed on two systems compare equal.
"""

import re
import unicodedata

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NEWLINES = re.compile(r"\r\n?")


def clean_text(text: str) -> str:
    """``text`` in NFC without C0 control characters (tab and newline kept; CR and CRLF become newline)."""
    if text.isprintable() and text.isascii():
        return text  # the common case, untouched and fast
    return unicodedata.normalize("NFC", _CONTROL.sub("", _NEWLINES.sub("\n", text)))
