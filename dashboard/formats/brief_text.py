"""The PDF brief's fonts and its one-line fitting: ``clip`` (over ``fit``) shortens the page furniture (marking,
running title, chart titles) with "…" by the font's measured widths; the body's tables grow and flow onto further
pages instead. The deck measures its own text in the font its renderers draw (``brief_pptx_fit``).

The PDF embeds DejaVu Sans (Debian's fonts-dejavu-core) when it is installed, else the Bitstream Vera that
reportlab ships (the ancestor of DejaVu, without the status symbols).

For characters DejaVu Sans lacks, the PDF falls back, character by character, to the first installed font that
has them: Droid Sans Fallback or WenQuanYi Zen Hei for Chinese, Japanese and Korean (TrueType outlines, which
reportlab embeds; Noto Sans CJK has PostScript outlines, which it cannot), then Symbola for emoji (monochrome
outlines: reportlab cannot draw colour bitmap emoji). ``runs`` splits a text into those fonts' runs and names the
characters no font has.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import reportlab
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont

ELLIPSIS = "…"
REPLACEMENT = "\ufffd"  # stands where a character no font has would be
# Control characters: XML (both formats) refuses them, and they have no width to measure.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
LINE_SPACING = 1.2  # a line's height as a multiple of the font size
_DEJAVU = [
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/local/share/fonts/dejavu"),
]
_VERA = Path(reportlab.__file__).resolve().parent / "fonts"
# The fallbacks, in the order they are asked: (name in the PDF, candidate files, index in a collection).
_FALLBACKS = [
    ("BriefCJK", ["/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"], 0),
    ("BriefCJK2", ["/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"], 0),
    ("BriefSymbols", ["/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf",
                      "/usr/share/fonts/truetype/ancient-scripts/Symbola.ttf"], 0),
]  # fmt: skip


@dataclass(frozen=True)
class BriefFonts:
    regular: str
    bold: str
    symbols: bool  # whether the font has the status symbols (● ▲ ✖ ✔ ○)


@cache
def fonts() -> BriefFonts:
    """Register the brief's TrueType fonts with reportlab once per process and name them."""
    for folder in _DEJAVU:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.is_file() and bold.is_file():
            pdfmetrics.registerFont(TTFont("BriefSans", str(regular)))
            pdfmetrics.registerFont(TTFont("BriefSans-Bold", str(bold)))
            return BriefFonts("BriefSans", "BriefSans-Bold", symbols=True)
    pdfmetrics.registerFont(TTFont("BriefSans", str(_VERA / "Vera.ttf")))
    pdfmetrics.registerFont(TTFont("BriefSans-Bold", str(_VERA / "VeraBd.ttf")))
    return BriefFonts("BriefSans", "BriefSans-Bold", symbols=False)


_reportlab_cmap = ttfonts.makeToUnicodeCMap


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """reportlab's map from glyphs back to text, with characters beyond U+FFFF (emoji) written as the PDF
    reference asks, in UTF-16 ("<D83D><DC4D>"), not as five hex digits that readers reject, so that they can be
    searched and copied."""
    cmap = _reportlab_cmap(fontname, subset)
    for i, v in enumerate(subset):
        if v > 0xFFFF:
            cmap = cmap.replace(f"<{i:02X}> <{v:04X}>", f"<{i:02X}> <{chr(v).encode('utf-16-be').hex().upper()}>")
    return cmap


@cache
def fallback_fonts() -> tuple[tuple[str, frozenset[int]], ...]:
    """The fonts asked in turn for each character, each with the characters it has: the brief's own font first,
    then each installed fallback (registered with reportlab once per process)."""
    ttfonts.makeToUnicodeCMap = _to_unicode_cmap
    own = fonts().regular
    chain = [(own, frozenset(pdfmetrics.getFont(own).face.charToGlyph))]
    for name, candidates, index in _FALLBACKS:
        path = next((Path(c) for c in candidates if Path(c).is_file()), None)
        if path is None:
            continue
        try:
            font = TTFont(name, str(path), subfontIndex=index)
        except Exception:  # noqa: BLE001  (a font reportlab cannot read is one it does not use)
            continue
        pdfmetrics.registerFont(font)
        chain.append((name, frozenset(font.face.charToGlyph)))
    return tuple(chain)


def _silent(char: str) -> bool:
    """Characters that draw nothing and are never missed: joiners, direction marks, variation selectors."""
    return unicodedata.category(char) == "Cf" or 0xFE00 <= ord(char) <= 0xFE0F


@lru_cache(maxsize=8192)
def font_of(char: str) -> str | None:
    """The name of the first font in the chain that has ``char``; None when none has it."""
    for name, has in fallback_fonts():
        if ord(char) in has:
            return name
    return None


def runs(text: str) -> tuple[list[tuple[str | None, str]], list[str]]:
    """``text`` as runs of (fallback font name, or None for the brief's own font; text), and the characters no
    font has, each shown in the runs as U+FFFD (a sign that something is not shown, never an empty box)."""
    own = fonts().regular
    out: list[tuple[str | None, str]] = []
    missing: list[str] = []
    for char in text:
        name = own if char in "\n\t " else font_of(char)
        if name is None:
            if _silent(char):
                continue
            if char not in missing:
                missing.append(char)
            name, char = own, REPLACEMENT
        key = None if name == own else name
        if out and out[-1][0] == key:
            out[-1] = (key, out[-1][1] + char)
        else:
            out.append((key, char))
    return out, missing


def missing_note(chars: list[str] | set[str]) -> str:
    """The one line a page carries when some of its characters have no font: "… U+1F9FF U+E000"."""
    codes = " ".join(f"U+{ord(c):04X}" for c in sorted(chars))
    return f"Some characters could not be shown: {codes}"


@lru_cache(maxsize=65536)
def _unit_width(text: str, bold: bool) -> float:
    """The width of ``text`` at 1 point (TrueType widths add up: reportlab applies no kerning)."""
    f = fonts()
    return pdfmetrics.stringWidth(text, f.bold if bold else f.regular, 1000) / 1000


def width(text: str, size: float, bold: bool = False) -> float:
    """The width of one line of ``text`` in points."""
    if not text:
        return 0.0
    units = sum(_unit_width(word, bold) for word in text.split(" ")) + text.count(" ") * _unit_width(" ", bold)
    return units * size


def line_height(size: float) -> float:
    return size * LINE_SPACING


def _shorten(line: str, size: float, limit: float, bold: bool) -> str:
    """``line`` cut at a word (or a character, for one long word) so that it plus "…" fits in ``limit``."""
    if width(line + ELLIPSIS, size, bold) <= limit:
        return line + ELLIPSIS
    words = line.split(" ")
    while len(words) > 1:
        words.pop()
        candidate = " ".join(words).rstrip(" ,;:.-") + ELLIPSIS
        if width(candidate, size, bold) <= limit:
            return candidate
    text = words[0] if words else ""
    while text and width(text + ELLIPSIS, size, bold) > limit:
        text = text[:-1]
    return text + ELLIPSIS


def _break_word(word: str, size: float, limit: float, bold: bool) -> list[str]:
    """A word wider than the box, in pieces that each fit (URLs, long codes)."""
    pieces, current = [], ""
    for char in word:
        if current and width(current + char, size, bold) > limit:
            pieces.append(current)
            current = char
        else:
            current += char
    return pieces + ([current] if current else [])


def fit(text: str, *, size: float, box_width: float, max_lines: int, bold: bool = False) -> list[str]:
    """``text`` wrapped to lines no wider than ``box_width`` points; at most ``max_lines``, the last one ending
    in "…" when text was cut. Line breaks in the text are kept as paragraph breaks; runs of spaces collapse."""
    out: list[str] = []
    text = _CONTROL.sub("", str(text)).replace("\r", "\n")
    paragraphs = [" ".join(p.split()) for p in text.split("\n")]
    paragraphs = [p for p in paragraphs if p] or [""]
    cut = False
    space = width(" ", size, bold)
    for number, paragraph in enumerate(paragraphs, start=1):
        line, line_width = "", 0.0
        for word in paragraph.split(" "):
            pieces = [word] if width(word, size, bold) <= box_width else _break_word(word, size, box_width, bold)
            for piece in pieces:
                piece_width = width(piece, size, bold)
                candidate_width = line_width + space + piece_width if line else piece_width
                if candidate_width <= box_width:
                    line = f"{line} {piece}" if line else piece
                    line_width = candidate_width
                    continue
                out.append(line)
                line, line_width = piece, piece_width
                if len(out) >= max_lines:
                    cut = True
                    break
            if cut:
                break
        if cut:
            break
        out.append(line)
        if len(out) >= max_lines and number < len(paragraphs):
            cut = True
            break
    if len(out) > max_lines:
        out, cut = out[:max_lines], True
    if cut:
        out[-1] = _shorten(out[-1], size, box_width, bold)
    return out


def clip(text: str, *, size: float, box_width: float, bold: bool = False) -> str:
    """``text`` on one line, shortened with "…" to fit ``box_width``."""
    return fit(text, size=size, box_width=box_width, max_lines=1, bold=bold)[0]
