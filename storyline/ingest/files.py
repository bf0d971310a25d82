"""Local files: size checks, decompression, decoding and sniffing of the input kind."""

from __future__ import annotations

import gzip
import re
import zlib
from pathlib import Path

from ..errors import BinaryInput, EmptyInput, InputError, NotUtf8, TooLarge, UnsupportedFormat
from ..model import RawDocument
from ..settings import Options
from . import feeds, html, records

TEXT_SUFFIXES = {".txt", ".md", ".text", ""}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSON_SUFFIXES = {".json"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
FEED_SUFFIXES = {".xml", ".rss", ".atom"}

# Formats recognised by their first bytes, whatever the file is called: refused with a clear reason
# instead of being read as text (a PDF is mostly ASCII and passes the control-character test).
MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or an office document: docx, odt, epub)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office document"),
    (b"{\\rtf", "an RTF document"),
    (b"%!PS", "a PostScript document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x7fELF", "a program"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"BZh", "a bzip2 archive"),
    (b"\xfd7zXZ", "an xz archive"),
)

_CHARSET_DECL = re.compile(rb"""(?:charset|encoding)\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)

Result = tuple[list[RawDocument], list[InputError]]


def read_file(path: str, options: Options) -> Result:
    file = Path(path)
    size = file.stat().st_size
    if size == 0:
        raise EmptyInput(path, "file is empty")
    if size > options.max_file_bytes:
        raise TooLarge(path, f"file is {size:,} bytes, more than the limit of {options.max_file_bytes:,} "
                             "(setting max_file_bytes)")
    return read_named_bytes(path, file.name, file.read_bytes(), options)


def read_named_bytes(path: str, name: str, data: bytes, options: Options) -> Result:
    """Bytes whose file name says their kind (a file, an upload); `.gz` is decompressed first."""
    if name.lower().endswith(".gz"):
        data = gunzip(path, data, options.max_file_bytes)
        name = name[:-3]
    return read_bytes_input(path, data, Path(name).suffix.lower() or None, options)


def gunzip(path: str, data: bytes, limit: int) -> bytes:
    """Decompress with a cap, so a small bomb cannot fill memory."""
    try:
        decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
        out = decompressor.decompress(data, limit + 1)
    except (zlib.error, gzip.BadGzipFile) as exc:
        raise BinaryInput(path, f"not a valid gzip file ({exc})") from exc
    if len(out) > limit:
        raise TooLarge(path, f"decompresses to more than the limit of {limit:,} bytes")
    return out


def read_bytes_input(path: str, data: bytes, suffix: str | None, options: Options,
                     url: str | None = None, declared_charset: str | None = None) -> Result:
    """Read one input's bytes as the suffix says, or as sniffed when it says nothing."""
    if data[:2] == b"\x1f\x8b":  # gzip whatever the name (stdin, a URL's body, a .gz already stripped)
        data = gunzip(path, data, options.max_file_bytes)
        suffix = None if suffix == ".gz" else suffix
    if not data.strip():
        raise EmptyInput(path, "input is empty")
    if len(data) > options.max_file_bytes:
        raise TooLarge(path, f"input is {len(data):,} bytes, more than the limit of {options.max_file_bytes:,}")
    known = format_of(data)
    if known:
        raise UnsupportedFormat(path, f"{known}, not text, HTML, JSON or a feed (extract its text first)")
    if looks_binary(data):
        raise BinaryInput(path, "binary data, not text, HTML, JSON or a feed")
    kind = kind_for(suffix, data)
    text = decode(path, data, declared_charset, markup=kind in ("html", "feed"))
    if kind == "html":
        return [html.read_html(path, text, url=url)], []
    if kind == "feed":
        return feeds.read_feed(path, text)
    if kind == "json":
        return records.read_json(path, text, options.max_json_depth)
    if kind == "jsonl":
        return records.read_jsonl(path, text, options.max_json_depth)
    return [RawDocument(path=path, text=text, url=url)], []


def kind_for(suffix: str | None, data: bytes) -> str:
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in FEED_SUFFIXES:
        return "feed"
    if suffix in JSON_SUFFIXES:
        return "json"
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    if suffix in TEXT_SUFFIXES - {""}:
        return "text"
    return sniff(data)


def sniff(data: bytes) -> str:
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"<?xml") or head.startswith(b"<rss") or head.startswith(b"<feed") or b"<rss" in head[:400]:
        return "html" if b"<html" in head else "feed"
    if head.startswith(b"<!doctype html") or head.startswith(b"<html") or b"<body" in head:
        return "html"
    if head.startswith(b"["):
        return "json"
    if head.startswith(b"{"):
        lines = [ln for ln in data.splitlines() if ln.strip()]
        if len(lines) > 1 and all(ln.lstrip().startswith(b"{") for ln in lines[:5]):
            return "jsonl"
        return "json"
    return "text"


def format_of(data: bytes) -> str | None:
    """The name of a non-text format the data starts with (a BOM or leading blank lines allowed), if any."""
    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    return next((name for magic, name in MAGIC if head.startswith(magic)), None)


def looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    return controls > len(sample) * 0.05


def decode(path: str, data: bytes, declared: str | None, markup: bool) -> str:
    """UTF-8 first; otherwise only a charset the input itself declares (never a guess)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        charset = declared
        if charset is None and markup:
            match = _CHARSET_DECL.search(data[:4096])
            charset = match.group(1).decode("ascii") if match else None
        if charset and charset.lower().replace("_", "-") not in ("utf-8", "utf8"):
            try:
                return data.decode(charset)
            except (LookupError, UnicodeDecodeError):
                pass
        raise NotUtf8(path, f"not UTF-8 (bad byte at offset {exc.start}) and no usable charset declared") from exc
