"""The Adjudication tab's document labels show the annotators' names and values as written:
a valid annotator name may hold markup (``<img src="file:///dev/zero">`` hung the window
reading the file when a label rendered it)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from annotate.adjudication import DocItem
from annotate.model import DocLabel
from db.store import Store
from desktop.review.doc_items import DocItemsPanel
from desktop.service import Service

pytestmark = pytest.mark.gui

MARKED = "<b>amina</b>"
"""A valid annotator name (printable, short) holding markup."""


def test_the_document_labels_given_are_shown_as_written(qtbot, tmp_path: Path):
    store = Store.open(tmp_path / "s.sqlite")
    panel = DocItemsPanel(Service(store, "chen"))
    qtbot.addWidget(panel)
    labels = (DocLabel("d", "stance", "supports", MARKED), DocLabel("d", "stance", "neutral", "bo"))
    panel.show_items([DocItem("d", "stance", "label", labels, (MARKED, "bo"))])
    shown = [label for label in panel.findChildren(QLabel) if MARKED in label.text()]
    assert shown and all(label.textFormat() == Qt.TextFormat.PlainText for label in shown)
    store.close()
