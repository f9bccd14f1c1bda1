"""Reading documents (.txt, .md, .docx, .pdf, .html) into one normalised text with its metadata.

`read_document` is the one entry point: it checks the file (exists, supported suffix, not empty,
under the size limit) before reading it, dispatches on the suffix, and returns a `RawDocument`
whose text has been through `normalise`. Blocks (paragraphs, headings, list items, table rows) are
separate lines; a table row is one line with its cells joined by a tab, as in the corpus .txt files.
Every failure is an `UnreadableDocumentError` whose reason says what is wrong with the file.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import logging
import re
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import charset_normalizer
import docx
import pypdf
from bs4 import BeautifulSoup, NavigableString, Tag
from docx.opc.exceptions import OpcError
from docx.table import Table
from lxml.etree import LxmlError
from pypdf.errors import DependencyError, PyPdfError

from ingest.errors import UnreadableDocumentError
from ingest.normalise import normalise

log = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = {
    ".txt": "txt",
    ".md": "md",
    ".markdown": "md",
    ".docx": "docx",
    ".pdf": "pdf",
    ".html": "html",
    ".htm": "html",
}
DEFAULT_MAX_BYTES = 50 * 1024 * 1024

#: Byte order marks recognised in text files, UTF-32 before UTF-16 (their marks share a prefix).
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
#: Control bytes that text never holds (all C0 bytes but tab, LF, VT, FF, CR and ESC).
_BINARY_BYTES = bytes(b for b in range(0x20) if b not in b"\t\n\v\f\r\x1b")
_NON_BINARY_BYTES = bytes(b for b in range(256) if b not in _BINARY_BYTES)
#: Legacy encodings of the UN languages, preferred when the guesser ranks several as equally good.
_PREFERRED_ENCODINGS = ("cp1252", "cp1251", "cp1256", "gb18030", "big5", "koi8_r", "iso8859_6")
_MAX_CHAOS = 0.1  # charset-normalizer's mess ratio above which a guess is not trusted
_HTML_DROPPED = ["script", "style", "noscript", "nav", "header", "footer", "aside", "form", "template"]
_HTML_BLOCKS = frozenset(
    {"p", "div", "li", "tr", "br", "section", "article", "blockquote", "pre", "dt", "dd", "table", "ul", "ol"}
    | {"dl", "main", "figure", "figcaption", "caption", "hr", "address", "h1", "h2", "h3", "h4", "h5", "h6"}
)
_HTML_SPACE = re.compile(r"[ \t\r\n\f]+")
#: What python-docx and pypdf raise on a damaged file, beside their own errors.
_DAMAGED = (zipfile.BadZipFile, zlib.error, LxmlError, KeyError, ValueError, TypeError, IndexError, EOFError)
_DOCX_ERRORS = (OpcError, NotImplementedError, *_DAMAGED)
_PDF_ERRORS = (PyPdfError, NotImplementedError, AttributeError, RecursionError, *_DAMAGED)


class _Rejected(Exception):
    """Raised by the format readers with a reason; read_document turns it into UnreadableDocumentError."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


#: What a format reader returns: the raw text, the title and metadata (None and blank values are dropped).
Extracted = tuple[str, str | None, dict[str, str | None]]


@dataclass(frozen=True)
class RawDocument:
    """A document as read from disk, before segmentation."""

    path: Path
    #: "txt", "md", "docx", "pdf" or "html".
    format: str
    #: The normalised text; blocks (paragraphs, headings, table rows) separated by "\n".
    text: str
    title: str | None
    #: Checksum of the file's bytes, so an unchanged file is recognised without reading it again.
    sha256: str
    #: For example "created", "author", "language", "encoding", "pages"; values are strings.
    metadata: dict[str, str] = field(default_factory=dict)


def read_document(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> RawDocument:
    """Read the document at `path` by its suffix and return its normalised text and metadata.

    Raises UnreadableDocumentError, with a reason, when the file is missing, not a regular file, of
    an unsupported suffix, empty, over `max_bytes` (checked before reading), binary or undecodable
    text, a corrupt or truncated .docx or PDF, a password-protected PDF, or yields no text.
    """
    path = Path(path)
    if not path.exists():
        raise UnreadableDocumentError(path, "no such file")
    if not path.is_file():
        raise UnreadableDocumentError(path, "not a regular file")
    fmt = SUPPORTED_SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        supported = ", ".join(SUPPORTED_SUFFIXES)
        raise UnreadableDocumentError(path, f"unsupported suffix {path.suffix or '(none)'!r}; supported: {supported}")
    size = path.stat().st_size
    if size == 0:
        raise UnreadableDocumentError(path, "empty file (0 bytes)")
    if size > max_bytes:
        raise UnreadableDocumentError(path, f"is {_size(size)}, over the {_size(max_bytes)} limit")
    try:
        data = path.read_bytes()
        raw_text, title, metadata = _READERS[fmt](data)
    except OSError as exc:
        raise UnreadableDocumentError(path, f"cannot read: {exc.strerror or exc}") from exc
    except _Rejected as exc:
        raise UnreadableDocumentError(path, exc.reason) from exc
    text = normalise(raw_text).strip("\n")
    if not text.strip():
        raise UnreadableDocumentError(path, "no text layer (a scanned PDF?)" if fmt == "pdf" else "no text")
    title = " ".join(normalise(title).split()) if title else None
    kept = {key: normalise(value).strip() for key, value in metadata.items() if value and value.strip()}
    log.debug("read %s (%s, %d characters)", path, fmt, len(text))
    sha256 = hashlib.sha256(data).hexdigest()
    return RawDocument(path=path, format=fmt, text=text, title=title or None, sha256=sha256, metadata=kept)


def _decode_text(data: bytes) -> tuple[str, str]:
    """Decode a text file's bytes; return the text and the encoding used.

    UTF-8 (with or without a BOM) and UTF-16/32 with a BOM are decoded directly; anything else is
    guessed by charset-normalizer and accepted only when the guess is confident and printable.
    Raises _Rejected for binary content or an undecodable text.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding.removesuffix("-sig")
            except UnicodeDecodeError as exc:
                raise _Rejected(f"cannot decode: invalid {encoding} after its byte order mark") from exc
    sample = data[:65536]
    if b"\x00" in data or len(sample.translate(None, _NON_BINARY_BYTES)) > len(sample) / 100:
        raise _Rejected("binary content, not text")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    matches = list(charset_normalizer.from_bytes(data))
    least = min((m.chaos for m in matches), default=1.0)
    best = [m for m in matches if m.chaos <= least + 0.01]

    def rank(match: charset_normalizer.CharsetMatch) -> int:
        known = [_PREFERRED_ENCODINGS.index(e) for e in match.could_be_from_charset if e in _PREFERRED_ENCODINGS]
        return min(known, default=len(_PREFERRED_ENCODINGS))

    if best and least <= _MAX_CHAOS:
        choice = min(best, key=rank)
        encoding = next((e for e in choice.could_be_from_charset if e in _PREFERRED_ENCODINGS), choice.encoding)
        text = data.decode(encoding, errors="replace")
        if sum(c.isprintable() or c.isspace() for c in text) - text.count("\ufffd") >= 0.98 * len(text):
            return text, encoding
    text = data.decode("utf-8", errors="replace")  # UTF-8 with a few stray bytes is still UTF-8
    if text.count("\ufffd") <= len(text) / 1000:
        log.warning("replaced %d bytes that are not UTF-8", text.count("\ufffd"))
        return text, "utf-8"
    raise _Rejected("cannot decode: not UTF-8 and no confident guess")


def _read_plain(data: bytes) -> Extracted:
    """Decoded text of a .txt or .md file; a leading `<meta ...>` line (an HTML export's) is dropped."""
    text, encoding = _decode_text(data)
    first, _, rest = text.partition("\n")
    if first.lstrip().lower().startswith("<meta"):
        text = rest.lstrip("\r\n")
    metadata: dict[str, str | None] = {"encoding": encoding}
    return text, None, metadata


def _read_docx(data: bytes) -> Extracted:
    """Body paragraphs and tables of a .docx in document order; one line per paragraph or table row."""
    try:
        document = docx.Document(io.BytesIO(data))
        lines: list[str] = []
        heading: str | None = None
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                lines.extend(_docx_rows(block))
                continue
            lines.append(block.text)
            style = block.style.name if block.style is not None else ""
            if heading is None and block.text.strip() and (style == "Title" or style.startswith("Heading")):
                heading = block.text
        props = document.core_properties
    except _DOCX_ERRORS as exc:
        raise _Rejected("not a valid .docx (truncated or corrupt)") from exc
    metadata = {"author": props.author, "language": props.language, "created": _iso(props.created)}
    return "\n".join(lines), props.title or heading, metadata


def _docx_rows(table: Table) -> list[str]:
    """One line per row, cells joined by a tab; a merged cell counts once, its paragraphs joined by a space."""
    rows = []
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:
            if id(cell._tc) not in seen:
                seen.add(id(cell._tc))
                cells.append(" ".join(cell.text.split()))
        rows.append("\t".join(cells))
    return rows


def _read_pdf(data: bytes) -> Extracted:
    """Text of each page, pages joined by a newline; an empty user password is tried on encrypted files."""
    if b"%PDF-" not in data[:1024] or b"%%EOF" not in data[-4096:]:
        raise _Rejected("not a valid PDF (truncated or corrupt)")
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted and reader.decrypt("") == pypdf.PasswordType.NOT_DECRYPTED:
            raise _Rejected("password-protected PDF")
        pages = [page.extract_text() or "" for page in reader.pages]
    except DependencyError as exc:
        raise _Rejected(f"encrypted PDF that needs a missing package to decrypt ({exc})") from exc
    except _PDF_ERRORS as exc:
        raise _Rejected(f"not a valid PDF (corrupt: {exc})") from exc
    metadata: dict[str, str | None] = {"pages": str(len(pages))}
    title = None
    try:  # the document information dictionary is optional and often malformed: never fatal
        if info := reader.metadata:
            title, metadata["author"], metadata["created"] = info.title, info.author, _iso(info.creation_date)
    except (PyPdfError, ValueError, TypeError, KeyError, AttributeError) as exc:
        log.warning("ignoring the malformed PDF metadata: %s", exc)
    return "\n".join(pages), title, metadata


def _read_html(data: bytes) -> Extracted:
    """Visible text of an HTML page: each block element on its own line, a table row as tab-joined cells."""
    soup = BeautifulSoup(data, "lxml")
    title = soup.title.get_text(" ") if soup.title else None
    if not title and (h1 := soup.find("h1")):
        title = h1.get_text(" ")
    root = soup.find("html")
    language = root.get("lang") if isinstance(root, Tag) else None
    meta_language = soup.find("meta", attrs={"http-equiv": re.compile("^content-language$", re.I)})
    if not language and isinstance(meta_language, Tag):
        language = meta_language.get("content")
    author = soup.find("meta", attrs={"name": re.compile("^author$", re.I)})
    for tag in soup.find_all(_HTML_DROPPED):
        tag.decompose()
    parts: list[str] = []
    try:
        _html_text(soup.body or soup, parts)
    except RecursionError as exc:
        raise _Rejected("HTML nested too deeply") from exc
    lines = (line.strip(" ") for line in "".join(parts).split("\n"))
    metadata: dict[str, str | None] = {"language": str(language or "")}
    metadata["author"] = str(author.get("content", "")) if isinstance(author, Tag) else None
    return "\n".join(line for line in lines if line.strip()), title, metadata


def _html_text(node: Tag, parts: list[str]) -> None:
    """Append the text under `node` to `parts`, with newlines around block elements."""
    for child in node.children:
        if isinstance(child, NavigableString):
            if type(child) is NavigableString:  # not a comment, doctype, CDATA or processing instruction
                parts.append(_HTML_SPACE.sub(" ", child))
        elif isinstance(child, Tag):
            if child.name == "tr":
                cells = child.find_all(["td", "th"], recursive=False)
                parts.append("\n" + "\t".join(" ".join(c.get_text(" ").split()) for c in cells) + "\n")
            elif child.name == "pre":
                parts.append("\n" + child.get_text() + "\n")
            elif child.name in _HTML_BLOCKS:
                parts.append("\n")
                _html_text(child, parts)
                parts.append("\n")
            else:
                _html_text(child, parts)


_READERS: dict[str, Callable[[bytes], Extracted]] = {"txt": _read_plain, "md": _read_plain, "docx": _read_docx}
_READERS |= {"pdf": _read_pdf, "html": _read_html}


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _size(n: int) -> str:
    """A byte count for a message: "210 MB", "1.5 MB", "12 KB", "100 bytes"."""
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if n >= scale:
            return f"{n / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{n} bytes"
