"""The Review dock (peer review, issue 5): which annotator layers the text shows, the
adjudication of the current document into gold, and agreement over the corpus.

The layers chooser and the tabs' frame are made with the window (the text shows the layers'
choice from the first paint); the two tabs' pages, and the modules they need, when the dock is
first shown or first asked for (:class:`desktop.deferred.DeferredDock`). Until then a stand-in
as tall as the Adjudication page holds its place: the bottom area opens as high as the whole
dock needs, and keeps that height when the pages come."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.deferred import DeferredDock
from desktop.editor import Editor
from desktop.review.layers import Layers
from desktop.service import Service

__all__ = ["ReviewDock"]

OPEN_HEIGHT = 380
"""Height the dock grows to when opened from the Review menu."""


class ReviewDock(DeferredDock):
    """Layers chooser on top; Adjudication and Agreement tabs below."""

    def __init__(self, service: Service, editor: Editor, parent: QWidget | None = None) -> None:
        super().__init__("Review", "review", parent)
        self.service = service
        self.editor = editor
        self.layers = Layers(service, editor, self)
        self.tabs = QTabWidget()
        self.tabs.addTab(_page_stand_in(), "Adjudication")
        self.tabs.addTab(QWidget(), "Agreement")
        self.layers_box = self.layers.combo(self)
        row = QHBoxLayout()
        row.addWidget(QLabel("Layers shown:"))
        row.addWidget(self.layers_box)
        row.addStretch(1)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(row)
        layout.addWidget(self.tabs, 1)
        self.setWidget(body)

    def make_body(self) -> None:
        from desktop.review.adjudication_tab import AdjudicationTab
        from desktop.review.agreement_tab import AgreementTab

        self.adjudication = AdjudicationTab(self.service, self.editor)
        self.agreement = AgreementTab(self.service)
        current = self.tabs.currentIndex()
        for index, page in enumerate((self.adjudication, self.agreement)):
            stand_in, title = self.tabs.widget(index), self.tabs.tabText(index)
            self.tabs.removeTab(index)
            self.tabs.insertTab(index, page, title)
            stand_in.deleteLater()
        self.tabs.setCurrentIndex(current)

    def shown_changed(self, visible: bool) -> None:
        """Brought in front: the adjudication tab catches up with the changes it skipped;
        sent behind: it sets its work aside."""
        if not visible:
            self.adjudication.set_aside()
        elif self.tabs.currentWidget() is self.adjudication:
            self.adjudication.catch_up_soon()

    def open_panel(self) -> None:
        """Show and raise the dock, tall enough for a few items side by side."""
        self.show()
        self.raise_()
        window = self.parentWidget()
        if isinstance(window, QMainWindow) and self.height() < OPEN_HEIGHT:
            window.resizeDocks([self], [OPEN_HEIGHT], Qt.Orientation.Vertical)

    def fill_menu(self, menu: QMenu) -> None:
        """The window's Review menu: show the panel; accept agreed items here or everywhere."""
        menu.addAction("Show &review panel").triggered.connect(lambda _c=False: self.open_panel())
        menu.addSeparator()
        menu.addAction("Accept agreed in &document").triggered.connect(
            lambda _c=False: self.adjudication.accept_agreed())
        menu.addAction("Accept agreed in the &corpus").triggered.connect(
            lambda _c=False: self.adjudication.accept_agreed_corpus())


def _page_stand_in() -> QWidget:
    """An empty page needing the height the Adjudication page needs at least: that of a row of
    buttons above its table of items and one below (what sets its least height), measured on a
    layout of such parts made in it and let go."""
    page = QWidget()
    parts = QWidget(page)  # a window's layout has wider margins than a page's
    layout = QVBoxLayout(parts)
    for part in (QPushButton(), QAbstractScrollArea(), QPushButton()):
        layout.addWidget(part)
    page.setMinimumHeight(layout.minimumSize().height())
    parts.setParent(None)
    return page
