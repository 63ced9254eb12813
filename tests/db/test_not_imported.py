"""What a reader read but could not keep is counted in the import's summary, its journal row
and the line History shows, and a dry run counts it too (issue 14 point 1)."""

from pathlib import Path

from annotate.formats import labelstudio
from annotate.formats.base import ImportOptions
from annotate.history import describe
from db.transfer import import_paths

FILE = Path(__file__).resolve().parents[1] / "fixtures" / "labelstudio" / "image_and_text.json"
LOST = {labelstudio.EMPTY: 1, labelstudio.ON_EMPTY: 1,
        labelstudio.not_placed("rectanglelabels"): 1}


def test_counts_reach_the_summary_the_journal_and_history(store):
    [checked] = import_paths(store, [FILE], ImportOptions(add_labels=True), dry_run=True)
    assert checked.summary.not_imported == LOST and store.count_documents() == 0
    [result] = import_paths(store, [FILE], ImportOptions(add_labels=True))
    assert result.summary.not_imported == LOST
    assert result.lines()[-1] == (
        "  not imported: 1 rectanglelabels results (no place in a text annotation); 1 results "
        "on tasks with an empty text; 1 tasks with an empty text (nothing to annotate)")
    [entry] = store.history(op="import")
    assert entry.payload["not_imported"] == LOST
    assert describe("import", entry.payload).endswith(
        "not imported: 1 rectanglelabels results (no place in a text annotation), 1 results on "
        "tasks with an empty text, 1 tasks with an empty text (nothing to annotate)")


def test_each_file_counts_its_own(store, tmp_path):
    second = tmp_path / "second.json"
    second.write_bytes(FILE.read_bytes())
    first, again = import_paths(store, [FILE, second], ImportOptions(add_labels=True))
    assert first.summary.not_imported == again.summary.not_imported == LOST
