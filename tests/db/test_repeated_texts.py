"""A text met twice in one file is one document, new or already stored once: the count no
longer depends on where the repeat falls. Records are merged in chunks of bulk.CHUNK; a repeat
inside the chunk of its first copy was not counted at all, one in a later chunk was counted
as "already stored" though the store had no such document before the import."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from db import bulk
from db.transfer import import_paths


@pytest.mark.parametrize("gap", [1, 5], ids=["same chunk", "later chunk"])
def test_a_text_repeated_in_a_file_is_counted_as_one_new_document(
        store, tmp_path: Path, monkeypatch, gap: int):
    monkeypatch.setattr(bulk, "CHUNK", 4)
    texts = [f"Report number {k}" for k in range(8)]
    texts.insert(1 + gap, texts[0])
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps({"text": t, "label": [[0, 6, "CLAIM"]]}) + "\n"
                              for t in texts))
    (result,) = import_paths(store, [source])
    assert result.error is None
    assert (result.summary.documents_added, result.summary.documents_existing) == (8, 0)
    (again,) = import_paths(store, [source])
    assert (again.summary.documents_added, again.summary.documents_existing) == (0, 8)
