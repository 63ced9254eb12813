"""The main window: assembles the docks, the centre editor, the menus and the status bar.
Each feature lives in its own module; this one only wires them together. The dialogs are
imported when first opened: the window's start needs none of them (nor what they import)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QInputDialog,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QWidget,
)

from desktop.dashboard import Dashboard
from desktop.documents import DocumentList
from desktop.editor import Editor
from desktop.first_paint import after_first_paint
from desktop.history import HistoryDock
from desktop.inspector import Inspector
from desktop.keys import Scope, key_action
from desktop.ledger import LedgerDock
from desktop.ledger.whole_window import WholeWindow
from desktop.model_runs import ModelRuns
from desktop.palette import Palette
from desktop.place import Place
from desktop.plain import line, message, mnemonic, tooltip
from desktop.review import ReviewDock
from desktop.service import NO_BACKUPS, Service
from desktop.spans_table import SpansTable
from desktop.statusbar import StatusBar
from desktop.suggestions import SuggestionController
from desktop.team_menu import add_team_menu
from desktop.theme import Theme
from desktop.welcome import Welcome

RECENT = "recent_stores"
RECENT_MAX = 8
TITLE = 80
SIDE_WIDTHS = (340, 340)
"""Default widths of the document list and of the label palette (and the Span panel)."""
"""Most characters of the document title and of the store name in the window title."""


class MainWindow(QMainWindow):
    def __init__(self, service: Service, settings: QSettings,
                 parent: QWidget | None = None, theme: Theme | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.settings = settings
        self.theme = theme
        self.error_box: QMessageBox | None = None
        self.lost_box: QMessageBox | None = None
        self.quit_box: QMessageBox | None = None
        self.quit_wait: QPushButton | None = None
        self._quit_when_saved = False
        self.place = Place(service, settings, self)  # before the editor: sees what is left
        self.editor = Editor(service, self)
        self.place.attach(self.editor.view)
        self.setCentralWidget(self.editor.widget)
        self.suggestions = SuggestionController(service, self.editor.view, self.editor.legend,
                                                lambda: self.editor.label_actions,
                                                self.editor.selected, self)
        self.model_runs = ModelRuns(service, self.suggestions.reload, self)
        self.documents = DocumentList(service, self)
        self.palette_dock = Palette(service, self.editor.apply_label, self.edit_schema, self)
        self.inspector = Inspector(service, self.editor.link_action, self)
        self.fields_action = key_action(self.editor.view, "Edit the span's fields",
                                        ["F2"], self.inspector.edit_fields, Scope.TEXT,
                                        "Go to the selected span's fields in the Span panel "
                                        "(Tab walks them, Esc comes back)")
        self.figure_action = key_action(self.editor.view, "Use the proposed figure",
                                        ["Shift+F"], self.inspector.use_figure, Scope.TEXT,
                                        "Write the first figure proposed for the selected "
                                        "claim (Span panel) into its figure fields")
        self.back_action = key_action(self.inspector, "Back to the text", ["Esc"],
                                      self._back_to_text, Scope.PANEL,
                                      "From the Span panel's fields back to the text, where "
                                      "the label keys act")
        self.spans = SpansTable(service, self)
        self.dashboard = Dashboard(service, self)
        self.review = ReviewDock(service, self.editor, self)
        self.history = HistoryDock(service, self)
        self.ledger = LedgerDock(service, self, self.editor.link_selected_to)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.documents)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.palette_dock)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.inspector)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.spans)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.dashboard)
        self.tabifyDockWidget(self.spans, self.dashboard)
        self.tabifyDockWidget(self.spans, self.review)
        self.tabifyDockWidget(self.spans, self.history)
        self.tabifyDockWidget(self.spans, self.ledger)
        self.spans.raise_()
        self.whole_ledger = WholeWindow(self, self.ledger)
        self.ledger.add_tool(self.whole_ledger.action)
        self.status = StatusBar(service, self)
        self.setStatusBar(self.status)
        self._build_menus()
        self.welcome: Welcome | None = None
        """The welcome note, made when first shown (it watches every event of the text)."""
        if not self.settings.value("welcomed", False, type=bool):
            self.welcome_again()
        hub = service.hub
        hub.failed.connect(self._on_failed)
        hub.storeLost.connect(self._on_store_lost)
        hub.waiting.connect(self._on_waiting)
        hub.storeChanged.connect(self._on_store)
        hub.documentChanged.connect(lambda _uid: self._title())
        self._restore()
        self._show_store()
        # the store put first in File > Recent once the window has painted: the settings file
        # written (and synced to disk) in the event loop's first turn came before that paint
        after_first_paint(self.editor.view.viewport(), self._remember_store)
        self.editor.view.setFocus()  # the label keys act from the start

    # -- menus -----------------------------------------------------------------------------
    def _action(self, menu: QMenu, text: str, slot: Callable[[], object],
                keys: Sequence[str | QKeySequence.StandardKey] = ()) -> QAction:
        action = QAction(text, self)
        action.setShortcuts([QKeySequence(k) for k in keys])
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        editor, documents, service = self.editor, self.documents, self.service

        file = bar.addMenu("&File")
        self._action(file, "&Import…", lambda: self.transfer("import"), ["Ctrl+I"])
        self._action(file, "&Export…", lambda: self.transfer("export"), ["Ctrl+E"])
        file.addSeparator()
        self._action(file, "&Open store…", self.choose_store, ["Ctrl+O"])
        self._action(file, "Open &team store…", self.choose_team_store)
        self.recent_menu = file.addMenu("&Recent stores")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        self._action(file, "Save store &as…", self.save_store_as)
        self._action(file, "&Backup now", self.backup_now)
        self._action(file, "Restore from bac&kup…", self.restore_from_backup)
        file.addSeparator()
        self._action(file, "&Quit", self.close, [QKeySequence.StandardKey.Quit])

        edit = bar.addMenu("&Edit")
        self.undo_action = self._action(edit, "&Undo", service.undo, ["Ctrl+Z"])
        self.redo_action = self._action(edit, "&Redo", service.redo, ["Ctrl+Shift+Z"])
        edit.addSeparator()
        edit.addAction(editor.find_action)
        self._action(edit, "Search the &corpus", self._search_corpus, ["Ctrl+Shift+F"])
        edit.addSeparator()
        self.label_menu = edit.addMenu("&Label selection")
        self._fill_label_menu()
        service.hub.schemaChanged.connect(self._fill_label_menu)
        service.hub.storeChanged.connect(self._fill_label_menu)
        edit.addActions(editor.edit_actions)
        edit.addAction(self.fields_action)
        edit.addSeparator()
        self._action(edit, "Edit &schema…", self.edit_schema)
        self.undo_schema_action = self._action(edit, "Undo last schema &change",
                                               service.undo_schema)
        edit.aboutToShow.connect(self._name_undo_steps)

        document = bar.addMenu("&Document")
        self._action(document, "&Next document", lambda: documents.step(1), ["Ctrl+Down"])
        self._action(document, "&Previous document", lambda: documents.step(-1), ["Ctrl+Up"])
        self._action(document, "Next &unfinished document", documents.next_unfinished,
                     ["Ctrl+Shift+Down"])
        document.addSeparator()
        self._action(document, "Mark &done", lambda: self.mark("done"),
                     ["Ctrl+Return", "Ctrl+Enter"])
        self._action(document, "Mark in &progress", lambda: self.mark("in_progress"))
        self._action(document, "Mark &to do", lambda: self.mark("todo"))

        view = bar.addMenu("&View")
        for dock in (self.documents, self.palette_dock, self.inspector, self.spans,
                     self.dashboard, self.review, self.history, self.ledger):
            view.addAction(dock.toggleViewAction())
        view.addAction(self.whole_ledger.action)
        view.addMenu(self.review.layers.menu(view))
        if self.theme is not None:
            view.addMenu(self.theme.menu(view))
        view.addSeparator()
        self._action(view, "Show the &welcome note", self.welcome_again)

        self.review.fill_menu(bar.addMenu("&Review"))
        self.assign_action = add_team_menu(bar.addMenu("&Team"), service,
                                           documents.search.text, self)
        assist = bar.addMenu("S&uggestions")
        self.suggestions.fill_menu(assist)
        assist.addSeparator()
        assist.addActions([self.model_runs.train_action, self.model_runs.suggest_action])

        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "&How to…", lambda: self.show_help("HOWTO"), ["F1"])
        self._action(help_menu, "&Keyboard shortcuts…", lambda: self.show_help("SHORTCUTS"))
        self._action(help_menu, "&About Counterclaim", self.about)

    def _name_undo_steps(self) -> None:
        """Undo and Redo name the step they would take, on hover (one stack for edits and
        schema changes); the schema change can be undone from here when it is the last step."""
        undo, redo = self.service.next_undo(), self.service.next_redo()
        for action, step, verb in ((self.undo_action, undo, "undo"),
                                   (self.redo_action, redo, "redo")):
            action.setStatusTip(f"{verb}: {step.replace('_', ' ')}" if step
                                else f"nothing to {verb}")
        self.undo_schema_action.setEnabled(undo == "set_schema")

    def _fill_label_menu(self) -> None:
        self.label_menu.clear()
        self.label_menu.addActions(self.editor.label_actions)

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for location in self.recent_stores():
            self._action(self.recent_menu, mnemonic(location),
                         lambda loc=location: self.open_store(loc)).setToolTip(tooltip(location))
        if self.recent_menu.isEmpty():
            self.recent_menu.addAction("(none yet)").setEnabled(False)

    # -- commands --------------------------------------------------------------------------
    def mark(self, state: str) -> None:
        uid = self.service.current
        if not uid:
            self.service.hub.message.emit("open a document first")
            return
        if self.service.set_status(uid, state) is not None:  # type: ignore[arg-type]
            self.service.hub.message.emit(f"marked {state.replace('_', ' ')}")

    def _search_corpus(self) -> None:
        self.documents.show()
        self.documents.search.setFocus()
        self.documents.search.selectAll()

    def transfer(self, direction: Literal["import", "export"]) -> None:
        """Open the Import or the Export dialog."""
        from desktop.dialogs.transfer import ExportDialog, ImportDialog

        dialog = ImportDialog if direction == "import" else ExportDialog
        dialog(self, self.service, self.settings).open()

    def choose_store(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Open or create a store", str(Path(self.service.location).parent),
            "Counterclaim stores (*.sqlite *.db);;All files (*)",
            options=QFileDialog.Option.DontConfirmOverwrite)
        if path:
            self.open_store(path)

    def choose_team_store(self) -> None:
        """Open a store on a PostgreSQL server by its URL; one holding a password is refused
        (it would be kept among the recent stores): libpq's password file holds it."""
        url, chosen = QInputDialog.getText(
            self, "Open team store", "Server store (postgresql+psycopg://NAME@HOST/DATABASE); "
            "your password stays in ~/.pgpass:", text="postgresql+psycopg://")
        url = url.strip()
        if not chosen or not url:
            return
        if urlsplit(url).password is not None:
            self.service.hub.message.emit(
                "not opened: keep the password in ~/.pgpass (libpq's password file), not in "
                "the URL, which Counterclaim remembers among the recent stores")
            return
        self.open_store(url)

    def open_store(self, location: str) -> bool:
        self.inspector.save_note()
        return self.service.open_store(location)

    def save_store_as(self) -> bool:
        """Save the open store into a new file and go on working there."""
        path, _ = QFileDialog.getSaveFileName(
            self, "Save the store as", str(Path(self.service.location).parent),
            "Counterclaim stores (*.sqlite *.db);;All files (*)")
        return bool(path) and self.service.save_store_as(path)

    def recent_stores(self) -> list[str]:
        value = self.settings.value(RECENT, [])
        return [value] if isinstance(value, str) else list(value or [])

    def backup_now(self) -> None:
        target = self.service.backup()
        if target is not None:
            self.service.hub.message.emit(f"backup written to {target}")
        else:
            self.service.hub.message.emit("only a store file can be backed up")

    def restore_from_backup(self) -> bool:
        """Choose one of the store's backups and put the store back to it."""
        if self.service.store.path is None:
            self.service.hub.message.emit(NO_BACKUPS)
            return False
        from desktop.dialogs.restore import RestoreDialog

        dialog = RestoreDialog(self.service.backups(), self.service.store_name, self)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.chosen is None:
            return False
        self.inspector.save_note()
        return self.service.restore_backup(dialog.chosen.path)

    def _back_to_text(self) -> None:
        self.inspector.save_note()
        self.editor.view.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def edit_schema(self) -> None:
        from desktop.schema_dialog import SchemaDialog

        SchemaDialog(self.service, self).exec()

    def show_help(self, page: str) -> None:
        """The help at ``page``, the name of a :class:`desktop.help_dialog.Page`."""
        from desktop.help_dialog import HelpDialog, Page

        HelpDialog(self, Page[page]).exec()

    def welcome_again(self) -> None:
        if self.welcome is None:
            self.welcome = Welcome(self.editor.view)
            self.welcome.dismissed.connect(lambda: self.settings.setValue("welcomed", True))
        self.welcome.show()
        self.welcome.raise_()

    def about(self) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, "About Counterclaim",
                          "Counterclaim: mark who claims what, who denies what, and who is "
                          "involved, in source texts. Every edit is stored at once in a local "
                          f"SQLite file.\n\nStore: {message(self.service.location)}",
                          parent=self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.exec()

    # -- hub -------------------------------------------------------------------------------
    def _on_failed(self, text: str, serious: bool) -> None:
        if not serious:
            return
        self._quit_when_saved = False  # something was not saved: the window stays to say so
        box = QMessageBox(QMessageBox.Icon.Critical, "Counterclaim", message(text), parent=self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.open()  # not modal to the event loop: the window keeps working
        self.error_box = box

    def _on_store_lost(self, message: str) -> None:
        """The store file went from under the open store: say so, and offer to save the
        store elsewhere (once: a refusal while the offer is shown adds no second one)."""
        if self.lost_box is not None and self.lost_box.isVisible():
            return
        buttons = QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Cancel
        box = QMessageBox(QMessageBox.Icon.Warning, "Counterclaim", message, buttons, self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        save = box.button(QMessageBox.StandardButton.Save)
        save.setText("Save store as…")
        save.clicked.connect(self.save_store_as)
        box.open()
        self.lost_box = box

    def _on_store(self) -> None:
        self._remember_store()
        self._show_store()

    def _remember_store(self) -> None:
        """The open store first in File > Recent; the settings written only when that changes
        the list (each write is synced to disk on the GUI thread)."""
        location = self.service.location
        before = self.recent_stores()
        recent = [location, *(r for r in before if r != location)][:RECENT_MAX]
        if recent != before:
            self.settings.setValue(RECENT, recent)

    def _show_store(self) -> None:
        self.status.refresh()
        self._title()
        first = self.documents.model.document_row(0)
        self.place.reopen(first.uid if first is not None else None)

    def _title(self) -> None:
        self.setWindowTitle(f"{line(self.editor.title.text(), TITLE) or 'Counterclaim'} — "
                            f"{line(self.service.store_name, TITLE)} — Counterclaim")

    # -- geometry --------------------------------------------------------------------------
    def _restore(self) -> None:
        geometry = self.settings.value("geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            screen = self.screen().availableGeometry()
            self.resize(min(1500, int(screen.width() * 0.92)),
                        min(960, int(screen.height() * 0.92)))
        state = self.settings.value("state")
        if state is not None:
            self.restoreState(state)
        else:
            self._default_docks()
            if self.service.seeded():  # a first run on the samples: their ledger in front
                self.ledger.raise_()

    def _default_docks(self) -> None:
        """The docks' first sizes, in step with the window's (a small or scaled screen keeps
        most of its height for the text): the labels whole when they fit in a third of it
        (else their panel scrolls), the bottom panel a quarter of it."""
        width, height = self.width(), self.height()
        side = [min(w, width // 4) for w in SIDE_WIDTHS]
        self.resizeDocks([self.documents, self.palette_dock], side, Qt.Orientation.Horizontal)
        labels = min(self.palette_dock.sizeHint().height() + self.fontMetrics().height(),
                     height // 3)
        bottom = min(240, height // 4)
        self.resizeDocks([self.palette_dock, self.inspector, self.spans],
                         [labels, height // 3, bottom],  # asked for less than the height:
                         # Qt shrinks every dock when the sizes add up to more
                         Qt.Orientation.Vertical)

    def _on_waiting(self, count: int) -> None:
        if not count and self._quit_when_saved:
            self.close()

    def _ask_quit(self) -> None:
        """Edits still wait for the store: ask whether to wait for them (the window closes
        once they are saved) or quit without them."""
        count = self.service.waiting
        box = QMessageBox(QMessageBox.Icon.Warning, "Counterclaim",
                          f"{count} edit{'s' if count > 1 else ''} not saved yet: another "
                          "program is writing to the store, and they wait for it to finish.",
                          parent=self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        self.quit_wait = box.addButton("Wait, then quit", QMessageBox.ButtonRole.AcceptRole)
        drop = box.addButton("Quit without them", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        self.quit_wait.clicked.connect(self._wait_then_quit)
        drop.clicked.connect(self._quit_without_waiting)
        box.open()
        self.quit_box = box

    def _wait_then_quit(self) -> None:
        self._quit_when_saved = True
        self.service.hub.message.emit("the window closes once the waiting edits are saved")

    def _quit_without_waiting(self) -> None:
        self.service.pending.discard()
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.inspector.save_note()
        if self.service.waiting:
            event.ignore()
            if not self._quit_when_saved:
                self._ask_quit()
            return
        self.settings.setValue("geometry", self.saveGeometry())
        self.settings.setValue("state", self.whole_ledger.layout or self.saveState())
        self.place.remember()
        self.place.save()
        self._remember_store()  # (a window closed before its first paint)
        self.settings.sync()
        super().closeEvent(event)
