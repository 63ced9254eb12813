"""The child of ``test_hostile_window``: ``python hostile_walk.py STORE SETTINGS``.

Opens the real main window (offscreen) on a store of hostile strings (see ``hostile_store``),
visits every place data is shown (each document, each span, every dock and tab, the menus,
the tooltips under the text, an error box) and after each visit checks every widget of the
window: labels, buttons, actions, combo boxes, item views, tooltips and the pyqtgraph titles,
legends and axes. Prints one JSON line: ``problems`` (empty when all is well), ``seconds`` per
visit, and ``seen``, how many data-bearing things each check looked at (so a walk that shows
nothing cannot pass). A crash or a stall shows to the parent as a signal or a timeout.
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator

from hostile_store import ANNOTATORS, HUGE, IMG, MARKUP  # beside this file
from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractListModel,
    QModelIndex,
    QPoint,
    QSettings,
    Qt,
    QThreadPool,
)
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QHeaderView,
    QLabel,
    QMenu,
    QTabWidget,
    QWidget,
)

from db.store import Store
from desktop.main_window import MainWindow
from desktop.service import Service

WIDEST = 1600
"""No text may make the window wider than a common screen (its minimum width)."""
BOUND = 5_000
"""No text shown anywhere may be longer (the data holds 1,000,000-character strings)."""
RAW = ("<img", "<b>x", "<i>y", "&amp; &")
"""Markup of the data (tags, and the entity of ``&amp; &File``; escaped it reads
``&amp;amp; &amp;File``): it must never reach a place that renders markup unescaped."""
ME = ANNOTATORS[1]
"""The current annotator: ``&File <b>x</b> &amp;`` (an ``&`` that must not become a key)."""
might_be_rich = GuiQt.mightBeRichText  # what Qt decides for tooltips and AutoText labels
app = QApplication.instance() or QApplication(sys.argv[:1])
problems: list[str] = []
seen: Counter[str] = Counter()
seconds: dict[str, float] = {}


def hostile(text: str) -> bool:
    return any(marker in text for marker in RAW) or "File" in text or "evil" in text \
        or "MMMMMMMM" in text or "AAAAAAAA" in text or "Lxxxxxxx" in text or "TTTTTTTT" in text


def bounded(where: str, text: str) -> None:
    if len(text) > BOUND:
        problems.append(f"{where}: {len(text):,} characters shown")


def plain(where: str, text: str, rich: bool) -> None:
    """``text`` is shown as rich text when ``rich``: then no raw markup of the data may be in it."""
    bounded(where, text)
    if hostile(text):
        seen[where.split(":")[0]] += 1
    if rich and any(marker in text for marker in RAW):
        problems.append(f"{where}: data markup rendered as rich text: {text[:120]!r}")


def tip(where: str, text: str) -> None:
    plain(f"{where} tooltip", text, might_be_rich(text))


def keyed(where: str, text: str) -> None:
    """``text`` of an action or button: an ``&`` of the data is doubled, not a mnemonic."""
    plain(where, text, False)
    for part in ("File <b>", "amp;"):
        if part in text and f"&&{part}" not in text.replace("&&&", "&&"):
            problems.append(f"{where}: data '&' became a mnemonic: {text[:120]!r}")


def check_views(root: QWidget) -> None:
    for view in root.findChildren(QAbstractItemView):
        model = view.model()
        if model is None or isinstance(view, QHeaderView):  # headers: headerData below
            continue
        qt_class = next(c for c in type(view).__mro__ if c.__module__.startswith("PySide6"))
        name = f"view {qt_class.__name__} {view.objectName() or type(model).__name__}"
        for column in range(columns(model, QModelIndex())):
            header = model.headerData(column, Qt.Orientation.Horizontal)
            plain(f"{name} header", str(header or ""), False)
        for parent in rows(model, QModelIndex()):
            for column in range(columns(model, parent.parent())):
                index = parent.siblingAtColumn(column)
                plain(name, str(index.data() or ""), False)
                tip(name, str(index.data(Qt.ItemDataRole.ToolTipRole) or ""))


def columns(model: QAbstractItemModel, parent: QModelIndex) -> int:
    """(A list model's columnCount is private in PySide.)"""
    return 1 if isinstance(model, QAbstractListModel) else model.columnCount(parent)


def rows(model, parent: QModelIndex) -> Iterator[QModelIndex]:  # type: ignore[no-untyped-def]
    for row in range(min(model.rowCount(parent), 200)):
        index = model.index(row, 0, parent)
        yield index
        yield from rows(model, index)


def check_plots(root: QWidget) -> None:
    import pyqtgraph as pg

    for widget in root.findChildren(pg.PlotWidget):
        item = widget.getPlotItem()
        plain("plot title", item.titleLabel.text, True)
        if item.legend is not None:
            for _sample, label in item.legend.items:
                plain("legend", label.text, True)
        for side in ("left", "bottom"):
            axis = item.getAxis(side)
            plain("axis label", axis.labelString(), True)
            for level in axis._tickLevels or ():
                for _value, text in level:
                    plain("axis tick", text, False)


def check(root: QWidget) -> None:
    """Every text the window shows now."""
    plain("window title", root.windowTitle(), False)
    if root.minimumSizeHint().width() > WIDEST:
        problems.append(f"the window is at least {root.minimumSizeHint().width()} pixels wide")
    plain("status message", root.statusBar().currentMessage(), False)
    for widget in [root, *root.findChildren(QWidget)]:
        tip(type(widget).__name__, widget.toolTip())
        if isinstance(widget, QLabel):
            rich = widget.textFormat() == Qt.TextFormat.RichText or (
                widget.textFormat() == Qt.TextFormat.AutoText
                and might_be_rich(widget.text()))
            plain("label", widget.text(), rich)
        elif isinstance(widget, QAbstractButton):
            keyed("button", widget.text())
        elif isinstance(widget, QComboBox):
            for i in range(widget.count()):
                plain("combo", widget.itemText(i), False)
        elif isinstance(widget, QTabWidget):
            for i in range(widget.count()):
                plain("tab", widget.tabText(i), False)
    for action in root.findChildren(QAction):
        keyed("action", action.text())
        tip("action", action.toolTip())
        plain("action status tip", action.statusTip(), False)
    check_views(root)
    check_plots(root)


def settle(until: Callable[[], bool] = lambda: True, limit: float = 60.0) -> None:
    deadline = time.monotonic() + limit
    while True:
        app.processEvents()
        if until() or time.monotonic() > deadline:
            return
        time.sleep(0.02)


def visit(name: str, action: Callable[[], object], window: MainWindow) -> None:
    """Do ``action`` and let the window paint, timed (the longest time per ``name`` is kept);
    then check what it shows."""
    started = time.monotonic()
    action()
    settle()
    window.grab()  # paints every visible widget, as the screen would
    seconds[name] = max(seconds.get(name, 0.0), round(time.monotonic() - started, 2))
    check(window)


def open_menus(window: MainWindow) -> None:
    for menu in window.findChildren(QMenu):
        menu.aboutToShow.emit()


def tooltips_under_text(window: MainWindow) -> None:
    view = window.editor.view
    viewport = view.viewport()
    for y in range(4, viewport.height(), 12):
        for x in range(4, viewport.width(), 24):
            text = view.tooltip_at(QPoint(x, y))
            if text:
                seen["text tooltip"] += 1
                tip("text view", text)


def documents_and_spans(window: MainWindow) -> None:
    """Open every document from the list, and in each select every span shown (as the spans
    table does), checking the window each time."""
    for row in range(window.documents.model.rowCount()):
        visit("open a document", lambda row=row: window.documents.table.selectRow(row), window)
        for span in window.editor.spans():
            visit("select a span",
                  lambda span=span: window.service.hub.spanRequested.emit(span.id), window)


def edit_dialog(tab, spans, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    """The review's Edit dialog for an item's spans, shown (not run: it would wait for a
    click) and checked as a part of the window."""
    from desktop.review.edit_dialog import EditDialog

    dialog = EditDialog(window.editor.text, spans, window.service.schema(), tab)
    visit("edit dialog", dialog.show, window)
    seen["edit dialog"] += 1
    dialog.close()
    dialog.deleteLater()


def main(store_path: str, settings_path: str) -> int:
    store = Store.open(store_path)
    journal = len(store.history(limit=100_000))
    service = Service(store, ME)
    window = MainWindow(service, QSettings(settings_path, QSettings.Format.IniFormat))
    visit("start", window.show, window)
    window.review.layers.show_preset("annotators+gold")
    documents_and_spans(window)
    visit("text tooltips", lambda: tooltips_under_text(window), window)
    dashboard = window.dashboard

    def agreement() -> None:  # the pair is figured with its tab in front
        dashboard.raise_()
        settle(lambda: dashboard.showing)
        dashboard.tabs.setCurrentWidget(dashboard.agreement)
        settle(lambda: not dashboard.busy and bool(dashboard.confusion_labels))

    visit("dashboard", agreement, window)
    tabs = dashboard.tabs
    for i in range(tabs.count()):
        visit("dashboard tab", lambda i=i: tabs.setCurrentIndex(i), window)
    review = window.review

    def adjudication() -> None:
        review.open_panel()
        review.tabs.setCurrentIndex(0)
        settle(lambda: not review.adjudication.planning)  # its items are aligned in a worker

    visit("adjudication", adjudication, window)
    tab = review.adjudication
    seen["document label rows"] += len(tab.doc_items.items)
    for row in range(tab.model.rowCount()):
        visit("adjudication item", lambda row=row: tab.select(row), window)
        seen["attribute choices"] += tab.attribute_choices.isVisible()
        entry = tab.selected_row()
        if getattr(entry, "spans", None) and seen["edit dialog"] < 3:
            edit_dialog(tab, entry.spans, window)

    def agreement() -> None:
        review.tabs.setCurrentIndex(1)
        review.agreement.compute()
        settle(lambda: not review.agreement.busy)

    visit("agreement", agreement, window)
    visit("history", lambda: (window.history.show(), window.history.raise_()), window)
    visit("menus", lambda: open_menus(window), window)
    visit("error box", lambda: service.hub.failed.emit(f"{IMG} {MARKUP}" + "E" * HUGE, True),
          window)
    plain("error box", window.error_box.text() if window.error_box else "", False)
    visit("notice", lambda: service.hub.message.emit(f"{MARKUP} " + "N" * HUGE), window)
    QThreadPool.globalInstance().waitForDone(30_000)
    written = len(store.history(limit=100_000)) - journal
    if written:
        problems.append(f"looking at the store wrote {written} journal entries to it")
    print(json.dumps({"problems": problems[:50], "seconds": seconds, "seen": seen}))
    window.close()
    store.close()
    QGuiApplication.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
