"""Source-file readers of ``counterclaim import``; every input is generated here in tmp_path."""

from __future__ import annotations

import io
import json
import random
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader, PdfWriter

from annotate.collector import collector_paused
from annotate.errors import InputError
from annotate.inputs import MAX_FILE_BYTES
from annotate.model import text_uid
from annotate.sources import (
    SUPPORTED_SUFFIXES,
    is_native_jsonl,
    iter_input_files,
    read_source,
)
from annotate.sources import docx as sources_docx

FRENCH = (
    "Le ministère a déclaré mercredi que les frappes n'avaient visé aucune école. "
    "Selon un porte-parole, « les allégations sont dénuées de fondement ». Des témoins ont "
    "pourtant décrit des dégâts considérables près du marché, où plusieurs élèves se trouvaient.\n"
) * 3


def only(path: Path):
    """The single document read from ``path``."""
    documents = read_source(path)
    assert len(documents) == 1
    return documents[0]


def refused(path: Path, *fragments: str) -> InputError:
    """Reading ``path`` raises InputError naming the file and containing every fragment."""
    with pytest.raises(InputError) as caught:
        read_source(path)
    message = str(caught.value)
    assert path.name in message
    for fragment in fragments:
        assert fragment in message, message
    return caught.value


# --- plain text -------------------------------------------------------------------------------


def test_sources_import_no_qt():
    """pytest-qt may load Qt into this process, so check in a fresh interpreter."""
    probe = "import sys, annotate.sources; print(sorted(m for m in sys.modules if 'PySide' in m))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_supported_suffixes():
    assert (
        frozenset({".txt", ".md", ".html", ".htm", ".docx", ".pdf", ".jsonl", ".csv"})
        == SUPPORTED_SUFFIXES
    )


def test_utf8_text_kept_exactly(tmp_path):
    text = "Ünïcödé 😀 text\n\tindented\n"
    path = tmp_path / "report.final.txt"
    path.write_bytes(text.encode("utf-8"))
    doc = only(path)
    assert doc.text == text
    assert doc.uid == text_uid(text)
    assert doc.title == "report.final"
    assert doc.meta == {"source": "report.final.txt", "format": "text", "encoding": "utf-8"}


@pytest.mark.parametrize(
    ("encoding", "bom", "recorded"),
    [
        ("utf-8", b"\xef\xbb\xbf", "utf-8-sig"),
        ("utf-16-le", b"\xff\xfe", "utf-16-le"),
        ("utf-16-be", b"\xfe\xff", "utf-16-be"),
        ("utf-32-le", b"\xff\xfe\x00\x00", "utf-32-le"),
    ],
)
def test_bom_removed_and_encoding_recorded(tmp_path, encoding, bom, recorded):
    text = "Zoë said: “no” 😀\r\nsecond line\r\n"
    path = tmp_path / "bom.txt"
    path.write_bytes(bom + text.encode(encoding))
    doc = only(path)
    assert doc.text == text
    assert doc.meta["encoding"] == recorded


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_legacy_encoding_guessed(tmp_path, encoding):
    data = FRENCH.encode(encoding)
    path = tmp_path / "legacy.txt"
    path.write_bytes(data)
    doc = only(path)
    assert doc.text == FRENCH
    recorded = doc.meta["encoding"]
    assert recorded.replace("_", "-") not in ("utf-8", "ascii")
    assert data.decode(recorded) == FRENCH


def test_cp1252_specific_characters(tmp_path):
    text = FRENCH + "Il a dit “non” — c’était fini… €20.\n"
    path = tmp_path / "quotes.md"
    path.write_bytes(text.encode("cp1252"))
    doc = only(path)
    assert doc.text == text
    assert doc.meta["format"] == "markdown"


def test_crlf_and_lone_cr_preserved(tmp_path):
    text = "line one\r\nline two\rline three\n"
    path = tmp_path / "crlf.txt"
    path.write_bytes(text.encode("utf-8"))
    assert only(path).text == text


def test_binary_renamed_txt_refused(tmp_path):
    path = tmp_path / "picture.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    refused(path, "binary")


def test_binary_without_nul_refused(tmp_path):
    noise = random.Random(7).randbytes(8000).replace(b"\x00", b"\x01")
    path = tmp_path / "noise.txt"
    path.write_bytes(noise)
    refused(path, "binary")


def test_nul_byte_refused(tmp_path):
    path = tmp_path / "nul.txt"
    path.write_bytes(b"plain text\x00with a NUL\n")
    refused(path, "NUL")


def test_nul_character_after_bom_refused(tmp_path):
    path = tmp_path / "nul16.txt"
    path.write_bytes(b"\xff\xfe" + "text\x00more".encode("utf-16-le"))
    refused(path, "NUL")


def test_truncated_utf16_refused(tmp_path):
    path = tmp_path / "odd.txt"
    path.write_bytes(b"\xff\xfe" + "abc".encode("utf-16-le") + b"\x41")
    refused(path, "utf-16-le")


@pytest.mark.parametrize("content", [b"", b"   \r\n\t\n", b"\xef\xbb\xbf", b"\xef\xbb\xbf \n"])
def test_empty_or_whitespace_refused(tmp_path, content):
    path = tmp_path / "blank.txt"
    path.write_bytes(content)
    refused(path, "no text")


def test_too_large_refused_before_reading(tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:  # sparse: no disk space used
        handle.truncate(MAX_FILE_BYTES + 1)
    started = time.perf_counter()
    refused(path, "larger than the limit")
    assert time.perf_counter() - started < 1


def test_big_single_line_is_linear(tmp_path):
    small, big = tmp_path / "small.txt", tmp_path / "big.txt"
    small.write_bytes(b"word " * 400_000)  # 2 MB
    big.write_bytes(b"word " * 4_000_000)  # 20 MB, one line
    timings = []
    for path in (small, big):
        with collector_paused():  # CPU time of this thread: another program's load and a
            started = time.thread_time()  # collection in one run weigh on neither size
            doc = only(path)
            timings.append(time.thread_time() - started)
        assert len(doc.text) == path.stat().st_size
    # Ten times the input may cost at most ~30 times the time (quadratic would be 100x).
    assert timings[1] < max(timings[0], 0.02) * 30


# --- HTML -------------------------------------------------------------------------------------

PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>  Strike   report </title>
<style>body { color: red } .secret { display: none }</style>
<script>var stolen = "SCRIPTTEXT"; fetch("http://example.invalid/x");</script>
<link rel="stylesheet" href="http://example.invalid/style.css">
</head>
<body>
<h1>Market&nbsp;strike</h1>
<p>The   ministry <b>denied</b>
   the report.<br>Witnesses disagreed.</p>
<noscript>NOSCRIPTTEXT</noscript>
<template><p>TEMPLATETEXT</p></template>
<p><a href="javascript:alert('JSLINK')">read more</a> &amp; <img src="http://example.invalid/i.png">
comments</p>
<ul><li>one</li><li>two</li></ul>
<pre>
  kept   as
    written</pre>
<script type="module">SCRIPTTWO</script>
</body></html>
"""


def test_html_visible_text_only(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(PAGE, encoding="utf-8")
    doc = only(path)
    assert doc.title == "Strike report"
    for hidden in ("SCRIPTTEXT", "SCRIPTTWO", "NOSCRIPTTEXT", "TEMPLATETEXT", "color", "JSLINK"):
        assert hidden not in doc.text
    assert "javascript" not in doc.text and "example.invalid" not in doc.text
    assert doc.text.split("\n") == [
        "Market\xa0strike",
        "The ministry denied the report.",
        "Witnesses disagreed.",
        "read more & comments",
        "one",
        "two",
        "  kept   as",
        "    written",
    ]
    assert doc.meta == {"source": "page.html", "format": "html", "encoding": "utf-8"}


def test_html_declared_legacy_charset_and_no_title(tmp_path):
    markup = '<html><head><meta charset="windows-1252"></head><body><p>Zoë – “no”</p></body>'
    path = tmp_path / "legacy.htm"
    path.write_bytes(markup.encode("cp1252"))
    doc = only(path)
    assert doc.text == "Zoë – “no”"
    assert doc.title == "legacy"
    assert doc.meta["encoding"] == "cp1252"


def test_html_declared_utf16_ignored(tmp_path):
    markup = '<meta charset="utf-16"><p>' + FRENCH + "</p>\n"  # even length: decodes as UTF-16
    path = tmp_path / "claims16.html"
    path.write_bytes(markup.encode("cp1252"))
    doc = only(path)
    assert doc.text == FRENCH.strip().replace("\n", " ")
    assert doc.meta["encoding"] == "cp1252"


def test_html_without_visible_text_refused(tmp_path):
    path = tmp_path / "empty.html"
    path.write_text("<html><head><title>T</title><script>x()</script></head><body> </body>")
    refused(path, "no text")


# --- docx -------------------------------------------------------------------------------------


def make_docx(path: Path, paragraphs: list[str], title: str = "") -> Path:
    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    document.core_properties.title = title
    document.save(str(path))
    return path


def rewrite_member(source: Path, target: Path, name: str, data: bytes) -> Path:
    """A copy of the zip ``source`` with member ``name`` replaced by ``data``."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for member in old.infolist():
            new.writestr(member.filename, data if member.filename == name else old.read(member))
    return target


def test_docx_paragraphs(tmp_path):
    path = make_docx(tmp_path / "statement.docx", ["First paragraph.", "", "Zoë’s second."])
    doc = only(path)
    assert doc.text == "First paragraph.\n\nZoë’s second."
    assert doc.title == "statement"
    assert doc.meta == {"source": "statement.docx", "format": "docx"}


def test_docx_core_title_and_table(tmp_path):
    document = docx.Document()
    document.add_paragraph("Before the table.")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "left"
    table.rows[0].cells[1].text = "right"
    document.add_paragraph("After.")
    document.core_properties.title = "Official statement"
    path = tmp_path / "t.docx"
    document.save(str(path))
    doc = only(path)
    assert doc.title == "Official statement"
    assert doc.text == "Before the table.\nleft\tright\nAfter."


def test_docx_zip_bomb_refused_quickly(tmp_path):
    good = make_docx(tmp_path / "good.docx", ["x"])
    bomb = rewrite_member(good, tmp_path / "bomb.docx", "word/document.xml", b" " * 50_000_000)
    assert bomb.stat().st_size < 1_000_000
    started = time.perf_counter()
    refused(bomb, "zip bomb")
    assert time.perf_counter() - started < 2


def test_docx_declared_total_size_bounded(tmp_path, monkeypatch):
    """The members' declared sizes are summed from the zip directory, before anything unpacks."""
    path = make_docx(tmp_path / "ordinary.docx", ["Some text."])
    with zipfile.ZipFile(path) as archive:
        total = sum(member.file_size for member in archive.infolist())
    monkeypatch.setattr(sources_docx, "MAX_UNPACKED_BYTES", total - 1)
    refused(path, "unpacks to", f"{total:,} bytes")
    monkeypatch.setattr(sources_docx, "MAX_UNPACKED_BYTES", total)
    assert only(path).text == "Some text."


LAUGHS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<!DOCTYPE lolz [<!ENTITY lol0 "lol">'
    + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    + "]>"
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    "<w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>"
)


def test_docx_billion_laughs_refused(tmp_path):
    good = make_docx(tmp_path / "good.docx", ["x"])
    path = rewrite_member(good, tmp_path / "laughs.docx", "word/document.xml", LAUGHS.encode())
    started = time.perf_counter()
    refused(path, "DOCTYPE")
    assert time.perf_counter() - started < 2


def test_docx_parser_never_expands_entities(tmp_path, monkeypatch):
    """Second line of defence: without the DOCTYPE check, python-docx's parser stays bounded."""
    good = make_docx(tmp_path / "good.docx", ["x"])
    path = rewrite_member(good, tmp_path / "laughs.docx", "word/document.xml", LAUGHS.encode())
    monkeypatch.setattr(sources_docx, "_DOCTYPES", ())
    started = time.perf_counter()
    try:
        text = only(path).text
    except InputError as exc:
        assert path.name in str(exc)
    else:
        assert len(text) < 1_000
    assert time.perf_counter() - started < 2


@pytest.mark.parametrize(
    "content",
    [b"PK\x03\x04 this is not really a zip", b"", b"plain words"],
)
def test_corrupt_docx_refused(tmp_path, content):
    path = tmp_path / "broken.docx"
    path.write_bytes(content)
    refused(path, "docx")


def test_zip_without_document_refused(tmp_path):
    path = tmp_path / "other.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "not a word document")
    refused(path)


# --- PDF --------------------------------------------------------------------------------------


def handmade_pdf(lines: list[str]) -> bytes:
    """A minimal one-page PDF whose content stream shows ``lines`` with Tj (or nothing)."""
    ops = "".join(
        f"BT /F1 12 Tf 72 {720 - 20 * i} Td ({line}) Tj ET\n" for i, line in enumerate(lines)
    )
    stream = ops.encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"endstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def test_pdf_text_layer(tmp_path):
    path = tmp_path / "leaflet.pdf"
    path.write_bytes(handmade_pdf(["Hello from page one", "Second line"]))
    doc = only(path)
    assert "Hello from page one" in doc.text and "Second line" in doc.text
    assert "\r" not in doc.text
    assert doc.title == "leaflet"
    assert doc.meta == {"source": "leaflet.pdf", "format": "pdf", "pages": 1}


def test_pdf_pages_and_metadata_title(tmp_path):
    writer = PdfWriter()
    for page_text in ("Alpha page", "Beta page"):
        writer.append(PdfReader(io.BytesIO(handmade_pdf([page_text]))))
    writer.add_metadata({"/Title": "Two pages"})
    path = tmp_path / "two.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    doc = only(path)
    assert doc.title == "Two pages"
    assert doc.meta["pages"] == 2
    assert doc.text.index("Alpha page") < doc.text.index("Beta page")


def test_pdf_without_text_layer_refused(tmp_path):
    path = tmp_path / "scan.pdf"
    path.write_bytes(handmade_pdf([]))
    refused(path, "no text layer")


def test_pdf_blank_page_from_pypdf_refused(tmp_path):
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    path = tmp_path / "blank.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    refused(path, "no text layer")


def test_encrypted_pdf_refused(tmp_path):
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(handmade_pdf(["Secret words"]))))
    writer.encrypt(user_password="hunter2", owner_password="owner", algorithm="RC4-128")
    path = tmp_path / "locked.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    refused(path, "encrypted")


def test_pdf_with_empty_user_password_reads(tmp_path):
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(handmade_pdf(["Open words"]))))
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    path = tmp_path / "restricted.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    assert "Open words" in only(path).text


@pytest.mark.parametrize("content", [b"%PDF-1.4\ngarbage", b"not a pdf at all", b""])
def test_corrupt_pdf_refused(tmp_path, content):
    path = tmp_path / "broken.pdf"
    path.write_bytes(content)
    refused(path, "PDF")


# --- corpora ----------------------------------------------------------------------------------


def write_jsonl(path: Path, records: list[object]) -> Path:
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", "utf-8")
    return path


def test_jsonl_corpus_keeps_metadata(tmp_path):
    path = write_jsonl(
        tmp_path / "corpus.jsonl",
        [
            {"text": "First text.\r\nWith CRLF.", "title": "One", "url": "https://x.test/1"},
            {"text": "Second\u2028text.", "published": "2024-07-29", "tags": ["a", "b"]},
        ],
    )
    first, second = read_source(path)
    assert first.text == "First text.\r\nWith CRLF."
    assert first.title == "One"
    assert first.meta == {
        "source": "corpus.jsonl",
        "format": "jsonl",
        "encoding": "utf-8",
        "url": "https://x.test/1",
    }
    assert second.text == "Second\u2028text."
    assert second.title == "corpus #2"
    assert second.meta["published"] == "2024-07-29"
    assert second.meta["tags"] == ["a", "b"]


def test_jsonl_malformed_line_named(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "one"}\n\n{"text": "two"\n{"text": "four"}\n', encoding="utf-8")
    error = refused(path, "bad.jsonl:3:", "malformed JSON")
    assert error.where == 3


@pytest.mark.parametrize(
    ("line", "fragment"),
    [
        ('{"title": "no text"}', 'no "text"'),
        ('{"text": 42}', "must be a string"),
        ('{"text": "ok", "title": 7}', "must be a string"),
        ('{"text": "   "}', "no text"),
        ('["text"]', "JSON object"),
    ],
)
def test_jsonl_bad_records_named(tmp_path, line, fragment):
    path = tmp_path / "records.jsonl"
    path.write_text('{"text": "fine"}\n' + line + "\n", encoding="utf-8")
    refused(path, "records.jsonl:2:", fragment)


def test_jsonl_empty_refused(tmp_path):
    path = tmp_path / "nothing.jsonl"
    path.write_text("\n\n", encoding="utf-8")
    refused(path)


def test_native_jsonl_detected_and_not_read(tmp_path):
    native = write_jsonl(
        tmp_path / "native.jsonl",
        [{"id": "abc", "text": "Some text", "spans": [], "relations": []}],
    )
    native.write_text("\n" + native.read_text("utf-8"), encoding="utf-8")  # blank first line
    corpus = write_jsonl(tmp_path / "plain.jsonl", [{"text": "Some text"}])
    broken = tmp_path / "broken.jsonl"
    broken.write_text("{not json\n", encoding="utf-8")
    assert is_native_jsonl(native) is True
    assert is_native_jsonl(corpus) is False
    assert is_native_jsonl(broken) is False
    refused(native, "native.jsonl:2:", "native")


def test_csv_corpus(tmp_path):
    path = tmp_path / "corpus.csv"
    path.write_bytes(
        b"Title,text,url\r\n"
        b'First,"Line one\r\nline two, with comma",https://x.test/1\r\n'
        b"\r\n"
        b',"He said ""no"".",\r\n'
    )
    first, second = read_source(path)
    assert first.text == "Line one\r\nline two, with comma"
    assert first.title == "First"
    assert first.meta == {
        "source": "corpus.csv",
        "format": "csv",
        "encoding": "utf-8",
        "url": "https://x.test/1",
    }
    assert second.text == 'He said "no".'
    assert second.title == "corpus #2"


def test_csv_large_field(tmp_path):
    big = "x" * 1_000_000
    path = tmp_path / "big.csv"
    path.write_text(f'text\n"{big}"\n', encoding="utf-8")
    assert only(path).text == big


def test_csv_missing_text_column(tmp_path):
    path = tmp_path / "notext.csv"
    path.write_text("title,body\nA,Some body\n", encoding="utf-8")
    refused(path, 'no "text" column', "title, body")


@pytest.mark.parametrize(
    ("content", "fragments"),
    [
        ("text,title\nok,T\nshort\n", ("short.csv:3:", "1 fields")),
        ("text,title\nok,T\n   ,T2\n", ("short.csv:3:", "no text")),
        ('text,title\nok,T\n"a"b,c\n', ("short.csv:3:", "malformed CSV")),
        ("text,Text\nok,ok\n", ("short.csv:1:", "duplicate")),
        ("text\n", ("no rows",)),
        ("", ("no header",)),
    ],
)
def test_csv_bad_rows_named(tmp_path, content, fragments):
    path = tmp_path / "short.csv"
    path.write_text(content, encoding="utf-8")
    refused(path, *fragments)


def test_csv_row_number_is_where_the_record_starts(tmp_path):
    path = tmp_path / "multi.csv"
    path.write_text('text,title\n"two\nlines",A\n"three\nmore\nlines"\n', encoding="utf-8")
    assert refused(path, "multi.csv:4:").where == 4


# --- file discovery ---------------------------------------------------------------------------


def test_folder_recursion_order(tmp_path):
    names = [
        "b.txt",
        "a.md",
        "sub/z.html",
        "sub/deeper/c.pdf",
        "sub-x/y.csv",
        "A.JSONL",
        ".hidden.txt",
        ".git/config.txt",
        "sub/notes.rtf",
        "sub/.cache/x.txt",
        "image.png",
    ]
    for name in names:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    found = [f.path.relative_to(tmp_path).as_posix() for f in iter_input_files([tmp_path])]
    assert found == ["A.JSONL", "a.md", "b.txt", "sub/deeper/c.pdf", "sub/z.html", "sub-x/y.csv"]
    assert list(iter_input_files([tmp_path])) == list(iter_input_files([tmp_path]))


def test_explicit_files_kept_in_order_and_deduplicated(tmp_path):
    for name in ("one.txt", "two.docx", ".dot.txt"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    given = [tmp_path / "two.docx", tmp_path / ".dot.txt", tmp_path / "one.txt", tmp_path]
    found = [f.path.name for f in iter_input_files(given)]
    assert found == ["two.docx", ".dot.txt", "one.txt"]


def test_explicit_unsupported_file_refused(tmp_path):
    path = tmp_path / "notes.rtf"
    path.write_text("x", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        list(iter_input_files([path]))
    assert "notes.rtf" in str(caught.value) and "unsupported" in str(caught.value)
    refused(path, "unsupported")


def test_missing_path_refused(tmp_path):
    with pytest.raises(InputError) as caught:
        list(iter_input_files([tmp_path / "absent.txt"]))
    assert "absent.txt" in str(caught.value)
    refused(tmp_path / "absent.txt", "cannot read")
