"""The XMI folder and the REFI-QDA archive go through the export targets' one judge: never the
store or its folder, never a folder of other files, an earlier export replaced whole."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from desktop.cli import main

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "webanno" / \
    "stacked-relations-emoji.tsv"


@pytest.fixture
def store(tmp_path: Path) -> Path:
    db = tmp_path / "data" / "store.sqlite"
    db.parent.mkdir()
    assert main(["--db", str(db), "import", "--add-labels", "--quiet", str(FIXTURE)]) == 0
    return db


def export(capsys: pytest.CaptureFixture[str], db: Path, out: Path, fmt: str) -> tuple[int, str]:
    code = main(["--db", str(db), "export", str(out), "--format", fmt])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err


def test_an_xmi_folder_never_replaces_the_stores_folder_or_a_folder_of_other_files(
        tmp_path, store, capsys):
    code, err = export(capsys, store, store.parent, "xmi")
    assert (code, err) == (2, f"error: {store.parent}: holds the open store; a folder export "
                              "would replace it\n")
    other = tmp_path / "mine"
    other.mkdir()
    (other / "thesis.txt").write_text("keep me", encoding="utf-8")
    code, err = export(capsys, store, other, "xmi")
    assert code == 2 and "is not an earlier xmi export" in err
    assert (other / "thesis.txt").read_text(encoding="utf-8") == "keep me"


def test_an_earlier_xmi_export_is_replaced_whole(tmp_path, store, capsys):
    out = tmp_path / "cas"
    assert export(capsys, store, out, "xmi")[0] == 0
    first = sorted(p.relative_to(out) for p in out.rglob("*"))
    assert export(capsys, store, out, "xmi")[0] == 0
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == first
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_qdpx_is_a_file_never_the_store_nor_a_folder(tmp_path, store, capsys):
    code, err = export(capsys, store, store, "refi-qda")
    assert (code, err) == (2, f"error: {store}: is the open store; an export never writes "
                              "there\n")
    code, err = export(capsys, store, tmp_path, "refi-qda")
    assert code == 2 and "is a folder; a refi-qda export writes a file" in err
    out = tmp_path / "project.qdpx"
    assert export(capsys, store, out, "refi-qda")[0] == 0
    with zipfile.ZipFile(out) as archive:
        assert "project.qde" in archive.namelist()


def test_a_file_put_inside_an_earlier_xmi_exports_folders_is_never_deleted(
        tmp_path, store, capsys):
    """The list an export leaves names every path it wrote: it named the top-level entries
    only, so a file put into a document's folder of an earlier XMI export (an analyst's notes,
    a curated CAS) was deleted, unsaid, by the next export there."""
    out = tmp_path / "cas"
    assert export(capsys, store, out, "xmi")[0] == 0
    (folder,) = [p for p in out.iterdir() if p.is_dir()]
    (folder / "my notes.txt").write_text("keep me", encoding="utf-8")
    code, err = export(capsys, store, out, "xmi")
    assert (code, err) == (2, f"error: {out}: the folder holds '{folder.name}/my notes.txt', "
                              "which the earlier xmi export there did not write; move it away "
                              "or choose another folder\n")
    assert (folder / "my notes.txt").read_text(encoding="utf-8") == "keep me"
    (folder / "my notes.txt").unlink()
    (folder / "drafts").mkdir()  # a folder of its own, even empty
    assert export(capsys, store, out, "xmi")[0] == 2
    assert (folder / "drafts").is_dir()


def test_an_earlier_xmi_export_listing_top_level_names_only_is_not_replaced(
        tmp_path, store, capsys):
    """An export of an earlier version listed the top-level names only: what its folders
    held is not known, so it is not replaced (delete it, or export elsewhere)."""
    out = tmp_path / "cas"
    assert export(capsys, store, out, "xmi")[0] == 0
    marker = out / ".counterclaim-export.json"
    marker.write_text(json.dumps({"format": "xmi", "files": sorted(
        p.name for p in out.iterdir() if p.name != marker.name)}), encoding="utf-8")
    before = sorted(p.relative_to(out) for p in out.rglob("*"))
    code, err = export(capsys, store, out, "xmi")
    assert code == 2 and "an earlier version" in err
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == before
