"""A corpus of hostile files, generated here: each is imported in a child process with a time
limit and its peak memory measured; the bad ones are refused with a clear error naming them,
the rest import, and nothing in them (scripts, links, markup) is ever run or rendered."""

from __future__ import annotations

import builtins
import errno
import io
import json
import os
import random
import resource
import socket
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docx
import pytest

from annotate.formats.base import ImportOptions
from annotate.model import Document, text_uid
from annotate.sources import html as sources_html
from annotate.sources import read_source
from db.store import Store
from db.transfer import import_paths, import_unit, plan_import

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


# -- files that are not what they seem: links, special files, endless and deep files ----------
def cli_import(store: Path, *paths: Path, command: str = "import"
               ) -> subprocess.CompletedProcess[str]:
    """``counterclaim import`` (or another ``command``) in a child with a time limit (a hang
    fails the test) and its address space capped at 3 GB (reading a 4 GB file whole fails the
    test)."""

    def cap_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (3 * 1024**3, 3 * 1024**3))

    return subprocess.run([sys.executable, "-m", "desktop.cli", "--db", str(store),
                           *command.split(), *map(str, paths)], capture_output=True, text=True,
                          cwd=ROOT, timeout=TIME_LIMIT_S, preexec_fn=cap_memory,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


def stored_texts(store: Path) -> list[str]:
    opened = Store.open(store)
    try:
        return sorted(record.document.text for record in opened.iter_documents())
    finally:
        opened.close()


def make_socket(path: Path) -> None:
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(path))


def sparse(path: Path, size: int) -> Path:
    with path.open("wb") as handle:  # no disk space used
        handle.truncate(size)
    return path


def test_a_folder_import_never_leaves_the_folder_nor_waits_on_special_files(
        tmp_path: Path) -> None:
    outside = tmp_path / "private"
    (outside / "keys").mkdir(parents=True)
    (outside / "id_ed25519.txt").write_text("PRIVATE KEY", encoding="utf-8")
    (outside / "keys" / "more.txt").write_text("MORE PRIVATE", encoding="utf-8")
    folder = tmp_path / "corpus"
    (folder / "sub").mkdir(parents=True)
    (folder / "good.txt").write_text("A good text.", encoding="utf-8")
    (folder / "sub" / "inner.md").write_text("An inner text.", encoding="utf-8")
    links = {"key.txt": outside / "id_ed25519.txt", "keys": outside / "keys",
             "zero.txt": Path("/dev/zero"), "loop1.txt": folder / "loop2.txt",
             "loop2.txt": folder / "loop1.txt", "broken.txt": folder / "absent.txt",
             "again.txt": folder / "sub" / "inner.md"}  # inside: followed, read once
    for name, target in links.items():
        (folder / name).symlink_to(target)
    os.mkfifo(folder / "pipe.jsonl")
    make_socket(folder / "socket.txt")
    done = cli_import(tmp_path / "s.sqlite", folder)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert stored_texts(tmp_path / "s.sqlite") == ["A good text.", "An inner text."]
    reasons = {"key.txt": "outside the folder", "keys": "link to a folder",
               "zero.txt": "outside the folder", "loop1.txt": "loop", "loop2.txt": "loop",
               "broken.txt": "cannot be followed", "pipe.jsonl": "FIFO",
               "socket.txt": "socket"}
    for name, reason in reasons.items():
        notice = next((line for line in done.stderr.splitlines()
                       if line.startswith(f"skipped: {folder / name}:")), "")
        assert reason in notice, (name, done.stderr)
    assert "2 of 10 files imported (8 left out)" in done.stderr


def test_special_and_endless_files_named_explicitly_are_refused_and_the_rest_imports(
        tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.jsonl")
    (tmp_path / "good.txt").write_text("A good text.", encoding="utf-8")
    named = {Path("/dev/zero"): "character device",
             tmp_path / "pipe.jsonl": "FIFO",
             sparse(tmp_path / "huge.txt", 4 * 1024**3): "larger than the limit",
             sparse(tmp_path / "huge.jsonl", 5 * 1024**3): "larger than the limit",
             sparse(tmp_path / "huge.html", 300 * 1024**2): "larger than the limit",
             tmp_path / "absent.txt": "No such file"}
    done = cli_import(tmp_path / "s.sqlite", *named, tmp_path / "good.txt")
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == len(named), done.stderr
    for (path, words), line in zip(named.items(), errors, strict=True):
        assert line.startswith(f"error: {path}") and words in line, (path, line)
    assert stored_texts(tmp_path / "s.sqlite") == ["A good text."]


def test_a_brat_folder_skips_special_files_and_refuses_a_huge_one_unread(
        tmp_path: Path) -> None:
    folder = tmp_path / "brat"
    folder.mkdir()
    (folder / "doc.txt").write_text("Rebels claim victory.", encoding="utf-8")
    (folder / "doc.ann").write_text("T1\tCLAIM 0 21\tRebels claim victory.\n", encoding="utf-8")
    os.mkfifo(folder / "pipe.txt")
    (folder / "zero.ann").symlink_to("/dev/zero")
    done = cli_import(tmp_path / "s.sqlite", folder)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert f"skipped: {folder / 'pipe.txt'}: a FIFO" in done.stderr
    assert f"skipped: {folder / 'zero.ann'}: a symbolic link to /dev/zero" in done.stderr
    assert stored_texts(tmp_path / "s.sqlite") == ["Rebels claim victory."]

    sparse(folder / "huge.txt", 4 * 1024**3)
    done = cli_import(tmp_path / "t.sqlite", folder)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert f"error: {folder / 'huge.txt'}: file is 4,294,967,296 bytes, larger" in done.stderr


DEEP = 100_000
GOOD = "A good text."
DEEPLY_NESTED: dict[str, bytes] = {
    # name -> a file nesting arrays or objects 100,000 deep
    "corpus.jsonl": b'{"text": "fine"}\n{"text": "x", "meta": ' + b"[" * DEEP + b"]" * DEEP
                    + b"}\n",
    "first_line.jsonl": b"[" * DEEP + b"]" * DEEP + b"\n",
    "doccano.jsonl": b'{"text": "fine", "label": []}\n{"text": "x", "label": '
                     + b"[" * DEEP + b"]" * DEEP + b"}\n",
    "native.jsonl": b'{"text": "fine", "spans": [], "meta": ' + b'{"a":' * DEEP + b"1"
                    + b"}" * DEEP + b"}\n",
    "tasks.json": b'[{"data": {"text": "fine"}, "annotations": ' + b"[" * DEEP + b"]" * DEEP
                  + b"}]",
    "spans.csv": b"document,label,start,end,attributes\n"  # spans on good.txt, read before
                 + text_uid(GOOD).encode() + b',CLAIM,0,4,"'  # within csv's
                 + b"[" * (DEEP // 2) + b"]" * (DEEP // 2) + b'"\n',  # default field limit
}


def test_deep_nesting_fails_its_own_file_only(tmp_path: Path) -> None:
    for name, data in DEEPLY_NESTED.items():
        (tmp_path / name).write_bytes(data)
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    store = Store.open(tmp_path / "s.sqlite")
    # Label Studio JSON is read when named (a folder's .json files are not imported)
    results = {r.path.name: r for r in import_paths(store, [tmp_path, tmp_path / "tasks.json"])}
    assert results["good.txt"].error is None and store.count_documents() == 1
    store.close()
    for name in DEEPLY_NESTED:
        error = results[name].error
        assert error is not None and error.startswith(str(tmp_path / name)), (name, error)
        assert "nested too deeply" in error or "depth limit" in error, (name, error)


@pytest.fixture
def deny(monkeypatch: pytest.MonkeyPatch) -> Callable[[Path], None]:
    """``deny(path)``: opening ``path`` fails as it does for a file the user may not read
    (the tests may run as root, whom the file system never refuses)."""
    denied: set[str] = set()

    def refuse(name: object) -> None:
        if isinstance(name, str | os.PathLike) and os.path.realpath(name) in denied:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), os.fspath(name))

    real_os_open, real_open = os.open, io.open

    def os_open(name: Any, *args: Any, **kwargs: Any) -> int:
        refuse(name)
        return real_os_open(name, *args, **kwargs)

    def any_open(name: Any, *args: Any, **kwargs: Any) -> Any:
        refuse(name)
        return real_open(name, *args, **kwargs)

    monkeypatch.setattr(os, "open", os_open)
    monkeypatch.setattr(io, "open", any_open)
    monkeypatch.setattr(builtins, "open", any_open)
    return lambda path: denied.add(os.path.realpath(path))


def test_unreadable_vanishing_and_surprising_files_fail_alone(
        tmp_path: Path, deny: Callable[[Path], None], monkeypatch: pytest.MonkeyPatch) -> None:
    names = ["denied.jsonl", "denied.txt", "gone.txt", "good.txt", "surprise.html"]
    for name in names:
        (tmp_path / name).write_text('{"text": "a record"}' if name.endswith("l") else name,
                                     encoding="utf-8")
    deny(tmp_path / "denied.jsonl")
    deny(tmp_path / "denied.txt")
    units = plan_import([tmp_path])
    assert [u.path.name for u in units] == names
    (tmp_path / "gone.txt").unlink()  # between planning and reading

    def surprise(markup: str) -> tuple[str, str]:
        raise ZeroDivisionError("a reader's own bug")

    monkeypatch.setattr(sources_html, "extract", surprise)
    store = Store.open(tmp_path / "s.sqlite")
    errors = {u.path.name: import_unit(store, u, ImportOptions()).error for u in units}
    assert store.count_documents() == 1
    store.close()
    assert errors.pop("good.txt") is None
    for name, words in {"denied.jsonl": "Permission denied", "denied.txt": "Permission denied",
                        "gone.txt": "No such file",
                        "surprise.html": "could not be read (ZeroDivisionError: a reader's"
                        }.items():
        assert errors[name].startswith(str(tmp_path / name)) and words in errors[name], errors


UNCLOSED = ("<a", "<!", "</", "<?")
TIMING_CHILD = """
import json, sys, time
from pathlib import Path
from annotate.sources import read_source

def best(path):
    times = []
    for _ in range(5):
        started = time.perf_counter()
        [document] = read_source(path)
        times.append(time.perf_counter() - started)
    return min(times)

print(json.dumps([(best(Path(name + ".html")), best(Path(name + ".txt")))
                  for name in sys.argv[1:]]))
"""


def test_html_is_read_in_linear_time_whatever_the_markup(tmp_path: Path) -> None:
    """2 MB of each unclosed construct (quadratic in the standard library's parser: most of an
    hour each) is read about as fast as the same bytes read as plain text."""
    names = []
    for number, unit in enumerate(UNCLOSED):
        data = b"<p>Rebels claim victory.</p>" + unit.encode() * (1024 * 1024)
        for suffix in (".html", ".txt"):
            (tmp_path / f"{number}{suffix}").write_bytes(data)
        names.append(str(tmp_path / str(number)))
    done = subprocess.run([sys.executable, "-c", TIMING_CHILD, *names], capture_output=True,
                          text=True, timeout=TIME_LIMIT_S, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    timings = json.loads(done.stdout)
    html, text = (sum(pair[i] for pair in timings) for i in (0, 1))
    assert html / text < 25, dict(zip(UNCLOSED, timings, strict=True))
    for unit in UNCLOSED:
        path = tmp_path / f"{UNCLOSED.index(unit)}.html"
        assert [d.text for d in read_source(path)] == ["Rebels claim victory."], unit


def test_file_names_that_are_not_utf8_import_with_a_readable_title(tmp_path: Path) -> None:
    root = os.fsencode(tmp_path)
    for folder in (b"plain", b"brat"):
        os.mkdir(os.path.join(root, folder))
    for name, text in ((b"plain/caf\xe9.txt", b"A Latin-1 name."), (b"brat/r\xe9cit.txt", b"Told."),
                       (b"brat/r\xe9cit.ann", b"T1\tCLAIM 0 4\tTold\n")):
        with open(os.path.join(root, name), "wb") as handle:
            handle.write(text)
    done = cli_import(tmp_path / "s.sqlite", tmp_path / "plain", tmp_path / "brat")
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert "caf\\udce9.txt: 1 new documents" in done.stdout  # the name's bytes, escaped
    store = Store.open(tmp_path / "s.sqlite")
    found = {r.document.title: r.document.meta.get("source") for r in store.iter_documents()}
    store.close()
    assert found == {"caf\ufffd": "caf\ufffd.txt", "r\ufffdcit": None}


def test_schema_import_reads_its_file_as_imports_do(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.json")
    (tmp_path / "deep.json").write_bytes(b"[" * DEEP + b"]" * DEEP)
    for path, words in {tmp_path / "pipe.json": "FIFO", Path("/dev/zero"): "character device",
                        sparse(tmp_path / "huge.json", 4 * 1024**3): "larger than the limit",
                        tmp_path / "deep.json": "nested too deeply"}.items():
        done = cli_import(tmp_path / "s.sqlite", path, command="schema import")
        assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
        assert done.stderr.startswith(f"error: {path}") and words in done.stderr, done.stderr
