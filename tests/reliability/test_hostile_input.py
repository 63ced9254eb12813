"""A corpus of hostile files, generated here: each is imported in a child process with a time
limit and its peak memory measured; the bad ones are refused with a clear error naming them,
the rest import, and nothing in them (scripts, links, markup) is ever run or rendered."""

from __future__ import annotations

import io
import json
import os
import random
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest

from annotate.model import Document
from db.store import Store
from db.transfer import import_paths

ROOT = Path(__file__).resolve().parents[2]
TIME_LIMIT_S = 60
SMALL_FILE_EXTRA_PEAK_MB = 200
MARKUP = '<b>bold</b> <img src="x" onerror="alert(1)"> <a href="javascript:alert(2)">link</a>'
CHILD = """
import json, resource, sys, time
from pathlib import Path
from db.store import Store
from db.transfer import import_paths
store = Store.open(sys.argv[2])
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
result = import_paths(store, [Path(sys.argv[1])])[0]
print(json.dumps({"error": result.error, "seconds": time.perf_counter() - started,
                  "documents": store.count_documents(),
                  "extra_peak_mb": (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                                    - before) / 1024}))
store.close()
"""


def billion_laughs() -> bytes:
    lines = ['<?xml version="1.0"?>', "<!DOCTYPE lolz [", '<!ENTITY lol "lol">']
    for n in range(1, 10):
        previous = f"&lol{n - 1};" if n > 1 else "&lol;"
        lines.append(f'<!ENTITY lol{n} "{previous * 10}">')
    lines += ["]>", '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/'
              '2006/main"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>']
    return "\n".join(lines).encode()


def docx_with(document_xml: bytes) -> bytes:
    """A real .docx (made by python-docx) whose document part is replaced."""
    made = io.BytesIO()
    docx.Document().save(made)
    out = io.BytesIO()
    with zipfile.ZipFile(made) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = document_xml if item.filename == "word/document.xml" else src.read(item)
            dst.writestr(item, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return out.getvalue()


def zip_bomb() -> bytes:
    filler = b"<w:t>" + b"0" * (60 * 1024 * 1024) + b"</w:t>"
    return docx_with(b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxml'
                     b'formats.org/wordprocessingml/2006/main"><w:body><w:p><w:r>' + filler
                     + b"</w:r></w:p></w:body></w:document>")


HTML = f"""<!doctype html><html><head><title>Page {MARKUP}</title>
<script>alert("head script")</script><meta http-equiv="refresh" content="0;url=javascript:x">
</head><body onload="alert(3)"><p>Visible words here.</p>
<script type="text/javascript">document.write("injected")</script>
<a href="javascript:alert(4)">a javascript link</a> <img src=x onerror="alert(5)">
<iframe src="https://example.invalid/"></iframe><noscript>no script text</noscript>
<p>&lt;b&gt;escaped markup stays text&lt;/b&gt;</p></body></html>"""

# name -> (bytes, documents it yields (0: refused), words the error must hold)
CORPUS: dict[str, tuple[bytes, int, str]] = {
    "image.txt": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 40, 0,
                  "binary"),
    "nul.txt": (b"\x00" * 1_000_000, 0, "binary"),
    "empty.txt": (b" \n\t\n", 0, "no text"),
    "noise.txt": (random.Random(6).randbytes(20_000).replace(b"\x00", b"\x01"), 0,
                  "binary"),
    "mixed_encodings.txt": ("café — ".encode() + "naïve façade".encode("cp1252"), 1, ""),
    "markup.txt": (MARKUP.encode(), 1, ""),
    "latin1.md": ("Ségou, Kidal, Tinzaouaten: année".encode("latin-1"), 1, ""),
    "page.html": (HTML.encode(), 1, ""),
    "bomb.docx": (zip_bomb(), 0, "zip bomb"),
    "entities.docx": (docx_with(billion_laughs()), 0, "DOCTYPE"),
    "not_a_zip.docx": (b"PK\x03\x04 not really a zip" * 100, 0, "not a readable .docx"),
    "broken.pdf": (b"%PDF-1.7\n" + b"\xff" * 5000, 0, "PDF"),
    "legacy_bytes.jsonl": (b'{"text": "ok"}\n{"text": "caf\xe9 \xe0 bad"}\n', 2, ""),
    "binary.jsonl": (b'{"text": "ok"}\n\x00\x01\x02\n', 0, "binary"),
    "broken.jsonl": (b'{"text": "ok"}\n{"text": \n', 0, "jsonl:2: malformed JSON"),
    "labels_markup.jsonl": (json.dumps({"text": "Four words of text", "label": [
        [0, 4, '<img src=x onerror="alert(1)">']]}).encode() + b"\n", 0, "label"),
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    for name, (data, _, _) in CORPUS.items():
        (folder / name).write_bytes(data)
    return folder


def import_in_child(path: Path, store: Path) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", CHILD, str(path), str(store)],
                          capture_output=True, text=True, timeout=TIME_LIMIT_S, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, f"{path.name}: the import crashed:\n{done.stderr}"
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_each_hostile_file_is_bounded_and_refused_or_read(corpus: Path, tmp_path: Path,
                                                          name: str) -> None:
    _, documents, words = CORPUS[name]
    result = import_in_child(corpus / name, tmp_path / "s.sqlite")
    assert result["extra_peak_mb"] < SMALL_FILE_EXTRA_PEAK_MB, result
    assert result["documents"] == documents, result  # a refused file: nothing half-imported
    if not documents:
        assert result["error"] is not None and name in result["error"], result
        assert words.lower() in str(result["error"]).lower(), result
    else:
        assert result["error"] is None, result


def test_a_folder_of_hostile_files_imports_the_good_ones(corpus: Path, tmp_path: Path) -> None:
    store = Store.open(tmp_path / "s.sqlite")
    results = {r.path.name: r for r in import_paths(store, [corpus])}
    assert set(results) == set(CORPUS)
    failed = {name for name, r in results.items() if r.error}
    assert failed == {name for name, (_, documents, _) in CORPUS.items() if not documents}
    texts = {d.document.meta["source"]: d.document for d in store.iter_documents()
             if d.document.meta.get("format") != "jsonl"}
    assert texts["markup.txt"].text == MARKUP  # kept verbatim, as data
    page = texts["page.html"]
    assert "Visible words here." in page.text and "a javascript link" in page.text
    for never in ("alert", "javascript:", "injected", "head script", "no script text"):
        assert never not in page.text
    assert "<b>escaped markup stays text</b>" in page.text
    assert texts["mixed_encodings.txt"].text.startswith("caf")
    assert texts["latin1.md"].text == "Ségou, Kidal, Tinzaouaten: année"
    store.close()


def test_a_200_mb_single_line_imports_within_bounds(tmp_path: Path) -> None:
    path = tmp_path / "one_line.txt"
    with path.open("wb") as out:
        for _ in range(200):
            out.write(b"claimed denied " * (1024 * 1024 // 15) + b"x" * (1024 * 1024 % 15))
    assert path.stat().st_size == 200 * 1024 * 1024
    result = import_in_child(path, tmp_path / "s.sqlite")
    assert result["error"] is None and result["documents"] == 1, result
    assert result["seconds"] < 30 and result["extra_peak_mb"] < 2048, result


@pytest.mark.gui
def test_markup_in_documents_is_shown_as_text(qtbot, tmp_path: Path) -> None:
    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtWidgets import QLabel, QWidget

    from annotate.commands import CreateSpan
    from annotate.model import AnnotatedDocument, Span
    from desktop.main_window import MainWindow
    from desktop.service import Service

    store = Store.open(tmp_path / "s.sqlite")
    doc = Document(f"Text {MARKUP} end", f"Title {MARKUP}", {"source": MARKUP})
    store.import_documents([AnnotatedDocument(doc)])
    span = Span(doc.uid, 5, 5 + len(MARKUP), "CLAIM", MARKUP, note=MARKUP)
    store.apply(CreateSpan(span), MARKUP)
    service = Service(store, MARKUP)
    window = MainWindow(service, QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    service.open_document(doc.uid)
    window.editor.select_span(span.id)
    qtbot.waitUntil(lambda: window.inspector.span is not None)
    assert window.editor.title.text() == doc.title
    assert MARKUP in window.editor.view.toPlainText()
    for label in window.findChildren(QLabel):
        if "<" in label.text():
            assert label.textFormat() == Qt.TextFormat.PlainText, label.text()
    for widget in window.findChildren(QWidget):
        assert "onerror=\"alert" not in widget.toolTip(), widget.toolTip()
    model = window.documents.model
    tip = model.data(model.index(0, 0), Qt.ItemDataRole.ToolTipRole)
    assert "<img" not in tip and "&lt;img" in tip  # escaped: shown literally
    store.close()
