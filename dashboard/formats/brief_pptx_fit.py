"""How much text fits in a box of the deck, measured with the font that draws it.

The deck asks for Arial. PowerPoint and Keynote draw Arial; LibreOffice draws Liberation Sans, made to Arial's
metrics (the same advance widths). So the widths here are Liberation Sans's (Debian's fonts-liberation2 or
fonts-liberation); without it they are reportlab's Bitstream Vera, which is wider, so text measured with it fits
Arial too. A character neither font has (CJK, emoji) is drawn by a fallback font: it counts as a full em.

The deck never breaks a line itself: each paragraph is one paragraph and the renderer wraps it. These functions
wrap the same way (at spaces; a single word wider than the box at characters) only to know how many lines a
renderer will need, so that a slide holds what fits and the rest continues on the next slide.
"""

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import reportlab
from reportlab.pdfbase.ttfonts import TTFont

LINE_SPACING = 1.2  # a line's height as a multiple of the size (Liberation Sans's own is 1.15)
SLACK = 2.0  # points of a line's width left unused, for the renderer's rounding and kerning
MISSING_EM = 1.0  # the width of a character the font lacks, in ems (a CJK ideograph's)
WIDE_EM = 1.25  # and of an emoji or other pictograph

_FOLDERS = [
    Path("/usr/share/fonts/truetype/liberation2"),
    Path("/usr/share/fonts/truetype/liberation"),
    Path("/usr/share/fonts/liberation-sans"),
    Path("/usr/share/fonts/liberation"),
]
_VERA = Path(reportlab.__file__).resolve().parent / "fonts"
# Control characters: XML refuses them, and they have no width.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


@dataclass(frozen=True)
class Metrics:
    """Advance widths in ems, by code point, and the width of a character the font lacks."""

    widths: dict[int, float]
    source: str


def _load(path: Path) -> Metrics:
    face = TTFont(path.stem, str(path)).face
    return Metrics({code: w / 1000 for code, w in face.charWidths.items()}, str(path))


@cache
def metrics(bold: bool = False) -> Metrics:
    """Liberation Sans's widths (Arial's), regular or bold; Bitstream Vera's when Liberation is not installed."""
    name = "LiberationSans-Bold.ttf" if bold else "LiberationSans-Regular.ttf"
    for folder in _FOLDERS:
        if (folder / name).is_file():
            return _load(folder / name)
    return _load(_VERA / ("VeraBd.ttf" if bold else "Vera.ttf"))


def clean(text: object) -> str:
    """Text as the deck writes it: no control characters, Windows and old Mac line ends as newlines."""
    return _CONTROL.sub("", str(text)).replace("\r\n", "\n").replace("\r", "\n")


def paragraphs(text: object) -> list[str]:
    """The logical paragraphs of ``text`` (its lines), each with its runs of spaces collapsed, blank ones dropped."""
    found = [" ".join(line.split()) for line in clean(text).split("\n")]
    return [p for p in found if p]


@lru_cache(maxsize=131072)
def _em(word: str, bold: bool) -> float:
    widths = metrics(bold).widths
    total = 0.0
    for char in word:
        code = ord(char)
        found = widths.get(code)
        if found is None:
            found = WIDE_EM if code >= 0x1F000 or 0x2600 <= code < 0x2800 else MISSING_EM
        total += found
    return total


def width(text: str, size: float, bold: bool = False) -> float:
    """One line of ``text`` in points."""
    if not text:
        return 0.0
    words = text.split(" ")
    return (sum(_em(w, bold) for w in words) + (len(words) - 1) * _em(" ", bold)) * size


def line_height(size: float) -> float:
    return size * LINE_SPACING


def _pieces(word: str, size: float, limit: float, bold: bool) -> list[str]:
    """A word wider than the line, in pieces that each fit (a URL, a long code, a run of CJK)."""
    if _em(word, bold) * size <= limit:
        return [word]
    out, current = [], ""
    for char in word:
        if current and _em(current + char, bold) * size > limit:
            out.append(current)
            current = char
        else:
            current += char
    return out + ([current] if current else [])


def wrap(paragraph: str, size: float, box_width: float, bold: bool = False) -> list[str]:
    """``paragraph`` in the lines a renderer makes of it in a box ``box_width`` points wide (inner width)."""
    limit = max(1.0, box_width - SLACK)
    space = _em(" ", bold) * size
    lines: list[str] = []
    line, used = "", 0.0
    for word in paragraph.split(" "):
        for piece in _pieces(word, size, limit, bold):
            w = _em(piece, bold) * size
            if line and used + space + w <= limit:
                line, used = f"{line} {piece}", used + space + w
            elif not line:
                line, used = piece, w
            else:
                lines.append(line)
                line, used = piece, w
    lines.append(line)
    return lines


def count_lines(text: str, size: float, box_width: float, bold: bool = False) -> int:
    """How many lines ``text`` (all its paragraphs) takes at ``size`` in ``box_width``; one for no text."""
    return max(1, sum(len(wrap(p, size, box_width, bold)) for p in paragraphs(text)))


def text_height(text: str, size: float, box_width: float, bold: bool = False) -> float:
    return count_lines(text, size, box_width, bold) * line_height(size)


def split(paragraph: str, size: float, box_width: float, lines: int, bold: bool = False) -> tuple[str, str]:
    """``paragraph`` cut after its first ``lines`` lines, at a space: (what fits, the rest)."""
    wrapped = wrap(paragraph, size, box_width, bold)
    if len(wrapped) <= lines:
        return paragraph, ""
    # Count the characters (spaces aside) of the lines that fit, and cut the paragraph itself there.
    keep = sum(len(line.replace(" ", "")) for line in wrapped[:lines])
    index = 0
    while keep > 0 and index < len(paragraph):
        keep -= paragraph[index] != " "
        index += 1
    return paragraph[:index].rstrip(" "), paragraph[index:].lstrip(" ")


def font_scale(texts: list[tuple[str, float, bool]], box_width: float, box_height: float, floor: float) -> float:
    """The largest scale (1 down to ``floor``, in steps of 2.5%) at which the paragraphs ``(text, size, bold)``
    fit ``box_width`` x ``box_height``; ``floor`` when none does."""
    scale = 1.0
    while scale > floor:
        needed = sum(text_height(t, size * scale, box_width, bold) for t, size, bold in texts)
        if needed <= box_height:
            return scale
        scale = round(scale - 0.025, 3)
    return floor
