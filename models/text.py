"""The one cleaning step for text that enters the database or leaves it in a file.

C0 control characters other than tab and newline (a bell, an escape sequence, NUL) break
spreadsheets and terminals and carry no meaning in a strategy's text: they are removed.
Carriage returns become newlines, and text is normalised to Unicode NFC so that the same
words typed on two systems compare equal.

Invisible format characters (Unicode category Cf) are removed too: a bidi override (U+202E) makes
"SIGN AGREEMENT" read "TNEMEERGA NGIS" in one viewer and not in another, and zero-width characters
hide text from searches. Kept, because languages need them: U+200E and U+200F (left-to-right and
right-to-left marks, for Arabic and Hebrew), U+061C (Arabic letter mark), U+200C (zero-width non-joiner,
for Persian and the Indic scripts), U+200D (zero-width joiner, for emoji sequences and those scripts)
and the prepended concatenation marks that are visible signs (U+0600-U+0605, U+06DD, U+070F, U+08E2,
U+110BD, U+110CD). The soft hyphen (U+00AD) goes: it is invisible and nobody types it on purpose.
"""

import re
import unicodedata

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NEWLINES = re.compile(r"\r\n?")
_KEEP_FORMAT = frozenset(
    "\u200c\u200d\u200e\u200f\u061c\u0600\u0601\u0602\u0603\u0604\u0605\u06dd\u070f\u08e2\U000110bd\U000110cd"
)


def _visible(text: str) -> str:
    return "".join(c for c in text if c in _KEEP_FORMAT or unicodedata.category(c) != "Cf")


def clean_text(text: str) -> str:
    """``text`` in NFC without C0 control characters (tab and newline kept; CR and CRLF become newline) and
    without invisible format characters other than the marks and joiners languages need."""
    if text.isprintable() and text.isascii():
        return text  # the common case, untouched and fast
    return unicodedata.normalize("NFC", _visible(_CONTROL.sub("", _NEWLINES.sub("\n", text))))
