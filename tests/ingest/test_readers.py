"""read_document on real files of every format, written in tmp_path by the real libraries."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import docx
import pypdf
import pytest
from fpdf import FPDF
from PIL import Image

from ingest.errors import IngestError, UnreadableDocumentError
from ingest.normalise import normalise
from ingest.readers import DEFAULT_MAX_BYTES, SUPPORTED_SUFFIXES, RawDocument, read_document

CORPUS_FILE = Path("/work/shared/corpus/un-documents/000_1e631d3bd8709de2.txt")
SENTENCE = "The Conference of the Parties adopted decision RC-1/14 on capacity-building."


def unreadable(path: Path, **kwargs: int) -> str:
    """The reason read_document gives for refusing `path`."""
    with pytest.raises(UnreadableDocumentError) as caught:
        read_document(path, **kwargs)
    assert caught.value.path == path
    assert str(caught.value) == f"{path}: {caught.value.reason}"
    assert isinstance(caught.value, IngestError)
    return caught.value.reason


def write_pdf(path: Path, *pages: str) -> Path:
    pdf = FPDF()
    pdf.set_font("helvetica", size=12)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 10, text)
    pdf.set_title("Draft strategic plan")
    pdf.set_author("Secretariat")
    pdf.output(str(path))
    return path


def encrypt_pdf(source: Path, target: Path, user_password: str) -> Path:
    writer = pypdf.PdfWriter(clone_from=str(source))
    writer.encrypt(user_password, owner_password="owner")
    with target.open("wb") as out:
        writer.write(out)
    return target


def write_docx(path: Path) -> Path:
    document = docx.Document()
    document.core_properties.title = ""
    document.add_heading("Options for technical assistance", level=1)
    document.add_paragraph("1.\tThe secretariat was requested to provide a note.")
    table = document.add_table(rows=2, cols=3)
    for row, cells in zip(
        table.rows, [("Article", "Status", "From"), ("Article 9", "Existing", "Parties")], strict=True
    ):
        for cell, text in zip(row.cells, cells, strict=True):
            cell.text = text
    document.add_paragraph("2.\tThe current note responds to that request.")
    document.save(str(path))
    return path


def test_supported_suffixes_and_limit() -> None:
    assert set(SUPPORTED_SUFFIXES.values()) == {"txt", "md", "docx", "pdf", "html"}
    assert DEFAULT_MAX_BYTES == 50 * 1024 * 1024


def test_utf8_text_is_normalised_and_hashed(tmp_path: Path) -> None:
    data = "1.\u00a0Decision RC\u20111/14 on capacity\u2011building.  \r\n2.\tSecond\u00ad line\r\n".encode()
    path = tmp_path / "note.txt"
    path.write_bytes(data)
    doc = read_document(path)
    assert isinstance(doc, RawDocument)
    assert doc.format == "txt"
    assert doc.text == "1. Decision RC-1/14 on capacity-building.\n2.\tSecond line"
    assert doc.sha256 == hashlib.sha256(data).hexdigest()
    assert doc.title is None
    assert doc.metadata == {"encoding": "utf-8"}


def test_utf8_bom_and_utf16_bom(tmp_path: Path) -> None:
    text = "Convention de Stockholm sur les polluants organiques persistants — 斯德哥尔摩公约"
    (tmp_path / "bom8.txt").write_bytes("\ufeff".encode() + text.encode())
    (tmp_path / "bom16.txt").write_bytes(text.encode("utf-16"))  # native order, with a BOM
    assert read_document(tmp_path / "bom8.txt").text == text.replace("—", "-")
    doc = read_document(tmp_path / "bom16.txt")
    assert doc.text == text.replace("—", "-")
    assert doc.metadata["encoding"] == "utf-16"


def test_latin1_text_is_guessed(tmp_path: Path) -> None:
    text = (
        "La Conférence des Parties à la Convention de Rotterdam a adopté la décision RC-1/14 "
        "sur l’échange d’informations et la création de capacités à l’échelle régionale.\n"
    )
    path = tmp_path / "decision.txt"
    path.write_bytes(text.encode("cp1252"))
    doc = read_document(path)
    assert doc.text == text.strip()
    assert doc.metadata["encoding"] == "cp1252"


def test_cyrillic_legacy_encoding_is_guessed(tmp_path: Path) -> None:
    text = "Конференция Сторон Роттердамской конвенции приняла решение об обмене информацией."
    path = tmp_path / "decision.txt"
    path.write_bytes(text.encode("cp1251"))
    assert read_document(path).text == text


def test_utf8_with_a_stray_byte_is_still_utf8(tmp_path: Path) -> None:
    text = "La Conférence des Parties a adopté la décision sur l’échange d’informations. " * 30
    path = tmp_path / "mostly.txt"
    path.write_bytes(text[:500].encode() + b"\xe9" + text[500:].encode())
    doc = read_document(path)
    assert doc.metadata["encoding"] == "utf-8"
    assert doc.text == (text[:500] + "\ufffd" + text[500:]).strip()


def test_utf8_cut_inside_a_character(tmp_path: Path) -> None:
    path = tmp_path / "cut.txt"
    path.write_bytes(("Décision sur l’échange d’informations. " * 30).encode()[:-2])
    assert read_document(path).text.startswith("Décision sur l’échange")


def test_markdown_keeps_headings_and_drops_leading_meta(tmp_path: Path) -> None:
    path = tmp_path / "basel.md"
    path.write_text(
        "<meta http-equiv='Content-Type' content='text/html; charset=utf-8' />\n\n"
        "####Basel Convention\n\n### Article 9\nIllegal traffic\n",
        encoding="utf-8",
    )
    doc = read_document(path)
    assert doc.format == "md"
    assert doc.text == "####Basel Convention\n\n### Article 9\nIllegal traffic"


def test_docx_blocks_in_document_order(tmp_path: Path) -> None:
    doc = read_document(write_docx(tmp_path / "note.docx"))
    assert doc.format == "docx"
    assert doc.text.split("\n") == [
        "Options for technical assistance",
        "1.\tThe secretariat was requested to provide a note.",
        "Article\tStatus\tFrom",
        "Article 9\tExisting\tParties",
        "2.\tThe current note responds to that request.",
    ]
    assert doc.title == "Options for technical assistance"
    assert "created" in doc.metadata


def test_docx_title_from_core_properties(tmp_path: Path) -> None:
    path = write_docx(tmp_path / "note.docx")
    document = docx.Document(str(path))
    document.core_properties.title = "Note by the secretariat"
    document.save(str(path))
    assert read_document(path).title == "Note by the secretariat"


def test_truncated_docx(tmp_path: Path) -> None:
    data = write_docx(tmp_path / "whole.docx").read_bytes()
    path = tmp_path / "half.docx"
    path.write_bytes(data[: len(data) // 2])
    assert unreadable(path) == "not a valid .docx (truncated or corrupt)"


def test_text_pdf(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "plan.pdf", "Draft strategic plan for the clearing-house mechanism.", SENTENCE)
    doc = read_document(path)
    assert doc.format == "pdf"
    lines = doc.text.split("\n")
    assert lines[0] == "Draft strategic plan for the clearing-house mechanism."
    assert lines[-1] == SENTENCE
    assert doc.title == "Draft strategic plan"
    assert doc.metadata["author"] == "Secretariat"
    assert doc.metadata["pages"] == "2"


def test_password_protected_pdf(tmp_path: Path) -> None:
    source = write_pdf(tmp_path / "plain.pdf", SENTENCE)
    path = encrypt_pdf(source, tmp_path / "secret.pdf", "secret")
    assert unreadable(path) == "password-protected PDF"


def test_pdf_encrypted_with_an_empty_user_password_reads(tmp_path: Path) -> None:
    source = write_pdf(tmp_path / "plain.pdf", SENTENCE)
    path = encrypt_pdf(source, tmp_path / "restricted.pdf", "")
    assert pypdf.PdfReader(str(path)).is_encrypted
    assert read_document(path).text == SENTENCE


def test_truncated_pdf(tmp_path: Path) -> None:
    data = write_pdf(tmp_path / "whole.pdf", SENTENCE, SENTENCE).read_bytes()
    path = tmp_path / "half.pdf"
    path.write_bytes(data[: len(data) // 2])
    assert unreadable(path).startswith("not a valid PDF")


def test_pdf_without_text_layer(tmp_path: Path) -> None:
    image = io.BytesIO()
    Image.new("RGB", (200, 100), "white").save(image, format="PNG")
    pdf = FPDF()
    pdf.add_page()
    pdf.image(image, x=10, y=10, w=100)
    pdf.add_page()  # and a blank page
    path = tmp_path / "scan.pdf"
    pdf.output(str(path))
    assert unreadable(path) == "no text layer (a scanned PDF?)"


def test_html_drops_chrome_and_keeps_blocks_and_tables(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(
        """<!DOCTYPE html><html lang="fr"><head><title>Échange d’informations</title>
        <meta name="author" content="UNEP"><style>p { color: red }</style>
        <script>var x = "<p>hidden</p>";</script></head>
        <body><nav><a href="/">Home</a></nav><header>Site banner</header>
        <h1>Centre   d’échange</h1><!-- a comment -->
        <p>Premier <b>paragraphe</b>,
           sur deux lignes.<br>Suite</p>
        <ul><li>un</li><li>deux</li></ul>
        <table><tr><th>Article</th><th>Statut</th></tr><tr><td>Article 9</td><td></td><td>Parties</td></tr></table>
        <form><input value="search"></form><footer>© UNEP</footer><noscript>enable js</noscript></body></html>""",
        encoding="utf-8",
    )
    doc = read_document(path)
    assert doc.format == "html"
    assert doc.text.split("\n") == [
        "Centre d’échange",
        "Premier paragraphe, sur deux lignes.",
        "Suite",
        "un",
        "deux",
        "Article\tStatut",
        "Article 9\t\tParties",
    ]
    assert doc.title == "Échange d’informations"
    assert doc.metadata == {"language": "fr", "author": "UNEP"}


def test_html_title_falls_back_to_h1(tmp_path: Path) -> None:
    path = tmp_path / "page.htm"
    path.write_text("<html><body><h1>Minamata Convention</h1><p>Text.</p></body></html>", encoding="utf-8")
    assert read_document(path).title == "Minamata Convention"


def test_suffixes_are_case_insensitive(tmp_path: Path) -> None:
    path = tmp_path / "NOTE.TXT"
    path.write_text(SENTENCE, encoding="utf-8")
    assert read_document(path).format == "txt"


def test_missing_file(tmp_path: Path) -> None:
    assert unreadable(tmp_path / "absent.txt") == "no such file"


def test_unknown_suffix_names_the_supported_ones(tmp_path: Path) -> None:
    path = tmp_path / "report.odt"
    path.write_bytes(b"some content")
    reason = unreadable(path)
    assert "'.odt'" in reason
    assert all(suffix in reason for suffix in SUPPORTED_SUFFIXES)


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.touch()
    assert "empty" in unreadable(path)


def test_whitespace_only_file_has_no_text(tmp_path: Path) -> None:
    path = tmp_path / "blank.md"
    path.write_text(" \n\u00a0\n\t\n", encoding="utf-8")
    assert unreadable(path) == "no text"


def test_oversized_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("x" * 3000, encoding="ascii")
    assert unreadable(path, max_bytes=1024) == "is 2.9 KB, over the 1 KB limit"
    huge = tmp_path / "huge.pdf"
    with huge.open("wb") as out:  # sparse: 210 MB that are never read
        out.truncate(210 * 1024 * 1024)
    assert unreadable(huge) == "is 210 MB, over the 50 MB limit"


def test_binary_file_with_text_suffix(tmp_path: Path) -> None:
    path = tmp_path / "image.txt"
    image = io.BytesIO()
    Image.new("RGB", (16, 16), "red").save(image, format="PNG")
    path.write_bytes(image.getvalue())
    assert unreadable(path) == "binary content, not text"


def test_control_bytes_without_nul_are_binary(tmp_path: Path) -> None:
    path = tmp_path / "blob.md"
    path.write_bytes(bytes(range(1, 256)) * 4)
    assert unreadable(path) == "binary content, not text"


def test_undecodable_text(tmp_path: Path) -> None:
    path = tmp_path / "mess.txt"
    path.write_bytes(bytes(range(0x80, 0x100)) * 8)
    assert unreadable(path) == "cannot decode: not UTF-8 and no confident guess"


def test_a_directory_is_not_a_document(tmp_path: Path) -> None:
    path = tmp_path / "folder.txt"
    path.mkdir()
    assert unreadable(path) == "not a regular file"


@pytest.mark.skipif(not CORPUS_FILE.exists(), reason="the shared corpus (/work/shared) is not present")
def test_corpus_document_has_no_non_breaking_hyphens() -> None:
    raw = CORPUS_FILE.read_text(encoding="utf-8")
    assert "\u2011" in raw
    doc = read_document(CORPUS_FILE)
    assert "\u2011" not in doc.text
    assert "RC-1/14" in doc.text
    assert "capacity-building" in doc.text
    assert "UNEP/POPS/COP.1/27" in doc.text
    assert doc.text.splitlines() == [line.rstrip(" ") for line in normalise(raw).strip("\n").splitlines()]
