"""Export targets: an export never deletes or replaces anything but its own earlier output.

The open store, its -wal/-shm files, its backups and the folder holding them are refused
(given directly, through a symlink, with ``..``, by URL, or as a part of a split), a folder
export refuses a folder of other files, a file export refuses folders, devices and databases;
write errors are plain messages naming the path; a killed export leaves nothing the next one
does not remove; outputs follow the umask. From the command line and from the window."""

from __future__ import annotations

import errno
import os
import resource
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QStandardPaths
from reliability_checks import check_whole

from annotate.errors import OutputError
from annotate.formats import brat
from annotate.formats.targets import MARKER, check_target, folder_to_export
from annotate.model import AnnotatedDocument, Document
from annotate.samples import sample_documents
from db.store import Store
from desktop.cli import main
from desktop.dialogs.transfer import ExportDialog
from desktop.service import Service

Tree = dict[str, bytes | None]


def tree(root: Path) -> Tree:
    """Every path under ``root`` with its bytes (None for a folder, the target of a link)."""
    found: Tree = {}
    for path in sorted(root.rglob("*")):
        name = str(path.relative_to(root))
        if path.is_symlink():
            found[name] = os.readlink(path).encode()
        elif path.is_dir():
            found[name] = None
        elif path.is_file():
            found[name] = path.read_bytes()
        else:
            found[name] = b"<special>"
    return found


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A store with the sample texts and one backup, in ``tmp_path/data``."""
    store_file = tmp_path / "data" / "store.sqlite"
    store = Store.open(store_file)
    store.import_documents(AnnotatedDocument(d) for d in sample_documents())
    store.close()
    assert main(["--db", str(store_file), "backup"]) == 0
    return store_file


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err


@pytest.mark.parametrize(("target", "fmt", "message"), [
    ("data/store.sqlite", "native", "is the open store"),
    ("data/backups/../store.sqlite", "doccano", "is the open store"),
    ("link.jsonl", "native", "is the open store"),
    ("data/store.sqlite-wal", "csv", "is the open store's wal file"),
    ("data/store.sqlite-shm", "labelstudio", "is the open store's shm file"),
    ("data/backups/mine.jsonl", "native", "is inside the store's backups folder"),
    ("data/backups", "brat", "is the store's backups folder"),
    ("data", "brat", "holds the open store"),
    (".", "brat", "holds the open store"),
])
def test_the_store_its_files_and_folders_are_refused(
    tmp_path: Path, data: Path, capsys, monkeypatch, target: str, fmt: str, message: str
) -> None:
    (tmp_path / "link.jsonl").symlink_to(data)
    monkeypatch.chdir(tmp_path)  # relative targets, as typed in a shell
    before = tree(tmp_path)
    for db in (str(data), f"sqlite:///{data}"):
        code, err = run(capsys, "--db", db, "export", target, "--format", fmt)
        assert code == 2
        assert err == f"error: {target}: {message}" + (
            "; a folder export would replace it\n" if message.startswith("holds")
            else "; an export never writes there\n")
    assert tree(tmp_path) == before
    check_whole(data)
    store = Store.open(data)
    assert store.stats()["documents"] == len(sample_documents())
    store.close()


def test_schema_export_and_split_parts_are_checked_too(tmp_path: Path, capsys) -> None:
    store_file = tmp_path / "c.train.sqlite"  # what part "train" of an export to c.sqlite is
    Store.open(store_file).close()
    before = tree(tmp_path)
    code, err = run(capsys, "--db", str(store_file), "export", str(tmp_path / "c.sqlite"),
                    "--split", "0.5,0.5")
    assert (code, err) == (2, f"error: {store_file}: is the open store; an export never "
                              "writes there\n")
    code, err = run(capsys, "--db", str(store_file), "schema", "export", str(store_file))
    assert (code, err) == (2, f"error: {store_file}: is the open store; an export never "
                              "writes there\n")
    code, err = run(capsys, "--db", str(store_file), "export", str(tmp_path), "--format",
                    "brat", "--split", "0.5,0.5")
    assert (code, err) == (2, f"error: {tmp_path}: is the folder holding the open store; an "
                              "export never writes there\n")
    assert tree(tmp_path) == before  # nothing written, not even the parts that were allowed


@pytest.mark.parametrize(("out", "message"), [
    ("", "no output path given"),
    ("  ", "no output path given"),
    ("a\0b.jsonl", "'a\\x00b.jsonl': a path cannot hold a NUL character"),
    ("n" * 300 + ".jsonl", "cannot write (File name too long)"),
])
def test_odd_paths_are_plain_messages(out: str, message: str) -> None:
    with pytest.raises(OutputError) as refused:
        check_target(out, "native")
    assert message in str(refused.value)


def test_a_folder_export_never_deletes_other_files(tmp_path: Path, data: Path, capsys) -> None:
    documents = tmp_path / "Documents"
    (documents / "thesis").mkdir(parents=True)
    (documents / "thesis" / "chapter1.txt").write_text("years of work", encoding="utf-8")
    (documents / "notes.ann").write_text("T1\tPERSON 0 5\tAmina\n", encoding="utf-8")
    before = tree(tmp_path)
    code, err = run(capsys, "--db", str(data), "export", str(documents), "--format", "brat")
    assert code == 2
    assert err == (f"error: {documents}: the folder is not empty and is not an earlier brat "
                   "export by Counterclaim; choose an empty or new folder\n")
    assert tree(tmp_path) == before


def test_a_folder_export_replaces_only_its_own_earlier_export(tmp_path: Path, data: Path,
                                                              capsys) -> None:
    corpus = tmp_path / "corpus"
    assert run(capsys, "--db", str(data), "export", str(corpus), "--format", "brat")[0] == 0
    first = tree(corpus)
    assert MARKER in first
    edited = next(corpus.glob("*.ann"))
    edited.write_text("", encoding="utf-8")  # its own file, edited: replaced again
    assert run(capsys, "--db", str(data), "export", str(corpus), "--format", "brat")[0] == 0
    assert tree(corpus) == first
    (corpus / "my notes.txt").write_text("mine", encoding="utf-8")
    code, err = run(capsys, "--db", str(data), "export", str(corpus), "--format", "brat")
    assert code == 2
    assert err == (f"error: {corpus}: the folder holds 'my notes.txt', which the earlier brat "
                   "export there did not write; move it away or choose another folder\n")
    assert (corpus / "my notes.txt").read_text(encoding="utf-8") == "mine"
    assert sorted(os.listdir(tmp_path)) == ["corpus", "data"]


def test_a_file_export_refuses_folders_devices_and_databases(tmp_path: Path, data: Path,
                                                             capsys) -> None:
    folder = tmp_path / "out.jsonl"
    (folder / "inside").mkdir(parents=True)
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    other_store = tmp_path / "copy.jsonl"
    shutil.copyfile(next((data.parent / "backups").iterdir()), other_store)
    before = tree(tmp_path)
    for target, message in [
        (folder, "is a folder; a native export writes a file (give a file name)"),
        (fifo, "is a device, pipe or socket, not a file; an export writes a file"),
        (Path("/dev/full"), "is a device, pipe or socket, not a file; an export writes a file"),
        (other_store, "is a database, not an earlier export; an export never replaces a "
                      "database"),
    ]:
        code, err = run(capsys, "--db", str(data), "export", str(target))
        assert (code, err) == (2, f"error: {target}: {message}\n")
    assert tree(tmp_path) == before


def test_write_errors_are_plain_messages_and_keep_the_earlier_output(
    tmp_path: Path, data: Path, capsys, monkeypatch
) -> None:
    a_file = tmp_path / "a_file"
    a_file.write_text("x", encoding="utf-8")
    code, err = run(capsys, "--db", str(data), "export", str(a_file / "out.jsonl"))
    assert (code, err) == (2, f"error: {a_file / 'out.jsonl'}: cannot write (Not a directory); "
                              "this output was not written and anything there before is "
                              "unchanged\n")
    out = tmp_path / "out.csv"
    out.write_text("earlier", encoding="utf-8")

    def disk_full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", disk_full)
    code, err = run(capsys, "--db", str(data), "export", str(out), "--format", "csv")
    assert (code, err) == (2, f"error: {out}: cannot write (No space left on device); this "
                              "output was not written and anything there before is unchanged\n")
    assert sorted(os.listdir(tmp_path)) == ["a_file", "data", "out.csv"]
    assert out.read_text(encoding="utf-8") == "earlier"


def limit_file_size() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))


def test_a_file_too_large_is_a_plain_message(tmp_path: Path, data: Path) -> None:
    store = Store.open(data)
    store.import_documents(AnnotatedDocument(Document(f"Document {n}: " + "some text. " * 800))
                           for n in range(20))  # about 180 kB as JSONL
    store.close()
    out = tmp_path / "out.jsonl"
    out.write_text("earlier", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "desktop.cli", "--db", str(data), "export",
                           str(out)], capture_output=True, text=True, timeout=120,
                          preexec_fn=limit_file_size)
    assert done.returncode == 2, done.stderr
    assert done.stderr == (f"error: {out}: cannot write (File too large); this output was not "
                           "written and anything there before is unchanged\n")
    assert sorted(os.listdir(tmp_path)) == ["data", "out.jsonl"]
    assert out.read_text(encoding="utf-8") == "earlier"


HOLD = """
import os, signal, sys
from annotate.formats.targets import atomic_path
with atomic_path(sys.argv[1], sys.argv[2]) as tmp:
    if sys.argv[2] == "brat":
        (tmp / "a.txt").write_text("part of an export")
    else:
        tmp.write_text("part of an export")
    print(tmp.name, flush=True)
    if sys.argv[3] == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    sys.stdin.read()  # hold the export open until told
"""


@pytest.mark.parametrize(("name", "fmt"), [("out.jsonl", "native"), ("corpus", "brat")])
def test_a_killed_exports_leftovers_are_removed_by_the_next(
    tmp_path: Path, data: Path, capsys, name: str, fmt: str
) -> None:
    out = tmp_path / name
    killed = subprocess.run([sys.executable, "-c", HOLD, str(out), fmt, "kill"],
                            capture_output=True, text=True, timeout=60)
    assert killed.returncode == -signal.SIGKILL
    leftover = killed.stdout.strip()
    assert leftover.startswith(f".{name}.") and (tmp_path / leftover).exists()
    older = tmp_path / f".{name}.k3_x9q0z.tmp"  # as versions before this one named theirs
    if fmt == "brat":
        older.mkdir()
    else:
        older.write_text("part", encoding="utf-8")
    running = subprocess.Popen([sys.executable, "-c", HOLD, str(out), fmt, "hold"],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert running.stdout is not None
        held = running.stdout.readline().strip()
        assert run(capsys, "--db", str(data), "export", str(out), "--format", fmt)[0] == 0
        assert sorted(os.listdir(tmp_path)) == sorted([held, "data", name])  # not the running
    finally:
        running.communicate("", timeout=60)  # its block ends: it replaces the output
    assert running.returncode == 0
    assert sorted(os.listdir(tmp_path)) == sorted(["data", name])


def test_outputs_follow_the_umask_and_a_replaced_file_keeps_its_mode(
    tmp_path: Path, data: Path, capsys
) -> None:
    kept = tmp_path / "kept.jsonl"
    kept.write_text("earlier", encoding="utf-8")
    kept.chmod(0o604)
    umask = os.umask(0o027)
    try:
        for target, fmt in [("new.csv", "csv"), ("corpus", "brat"), ("kept.jsonl", "native")]:
            assert run(capsys, "--db", str(data), "export", str(tmp_path / target),
                       "--format", fmt)[0] == 0
    finally:
        os.umask(umask)

    def mode(path: Path) -> int:
        return path.stat().st_mode & 0o777

    assert mode(tmp_path / "new.csv") == 0o640
    assert mode(tmp_path / "corpus") == 0o750
    assert {mode(p) for p in (tmp_path / "corpus").iterdir()} == {0o640}
    assert mode(kept) == 0o604 and kept.read_text(encoding="utf-8") != "earlier"


def test_an_interrupted_export_is_a_plain_message_and_leaves_nothing(
    tmp_path: Path, data: Path, capsys, monkeypatch
) -> None:
    def interrupt(*args, **kwargs):
        yield AnnotatedDocument(sample_documents()[0])
        raise KeyboardInterrupt

    monkeypatch.setattr(Store, "iter_documents", interrupt)
    code, err = run(capsys, "--db", str(data), "export", str(tmp_path / "out.jsonl"))
    assert code == 130 and err.startswith("interrupted: ")
    assert sorted(os.listdir(tmp_path)) == ["data"]


@pytest.mark.gui
def test_the_window_refuses_the_same_targets_in_the_form(qtbot, tmp_path: Path,
                                                          data: Path) -> None:
    QStandardPaths.setTestModeEnabled(True)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                      str(tmp_path / "settings"))
    documents = tmp_path / "Documents"
    documents.mkdir()
    (documents / "mine.txt").write_text("mine", encoding="utf-8")
    service = Service(Store.open(data), "amina")
    try:
        before = tree(tmp_path)
        for target, fmt, message in [
            (data, "native", f"{data}: is the open store"),
            (data.parent, "brat", f"{data.parent}: holds the open store"),
            (documents, "brat", f"{documents}: the folder is not empty"),
        ]:
            dialog = ExportDialog(None, service)
            qtbot.addWidget(dialog)
            dialog.format.setCurrentText(fmt)
            dialog.out.setText(str(target))
            dialog.accept()
            assert dialog.job is None and dialog.error.text().startswith(message)
        assert tree(tmp_path) == before
        assert folder_to_export(documents, "brat") == documents / "counterclaim-brat"
        brat.write([], documents / "counterclaim-brat", service.store.schema())
        assert folder_to_export(documents / "counterclaim-brat", "brat") == \
            documents / "counterclaim-brat"  # an earlier export: replaced
        (documents / "counterclaim-brat" / "x").write_text("", encoding="utf-8")
        assert folder_to_export(documents, "brat") == documents / "counterclaim-brat-2"
    finally:
        service.store.close()
