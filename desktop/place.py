"""Where the reader was, per store: the last document shown and its place in it (the top line
and the caret), kept in QSettings and brought back when the store is opened again.

:class:`Place` is made before the editor, so that its slots see the view still showing the
document (or store) being left; :meth:`Place.attach` then gives it the view, and its restoring
slot runs after the editor has loaded the next document."""

from __future__ import annotations

import hashlib
from functools import lru_cache

from PySide6.QtCore import QObject, QSettings, QTimer

from desktop.service import Service
from desktop.textview.view import SpanTextView

GROUP = "stores"
SAVE_MS = 1500
"""How long after the reader moved on the place is written to the settings: stepping through
documents writes the settings file once (each write replaces the whole file on disk)."""


@lru_cache(maxsize=16)
def store_key(location: str) -> str:
    """The settings group of the store at ``location`` (its path or URL, hashed: a path holds
    the separators QSettings reads as groups). Kept for the few stores a window opens: each
    document opened asks it twice (the place left, the place arrived at), and a SHA-256 made
    by OpenSSL 3 costs ~0.2 % of a next document's step (perf)."""
    return f"{GROUP}/{hashlib.sha256(location.encode('utf-8', 'surrogatepass')).hexdigest()[:20]}"


class Place(QObject):
    """Remembers, per store, the document shown and the place in it; gives them back."""

    def __init__(self, service: Service, settings: QSettings,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.settings = settings
        self.view: SpanTextView | None = None
        self._shown = ("", "")  # (store location, document uid) the view shows
        self._unsaved: dict[str, object] = {}  # settings noted, not written yet
        self._saving = QTimer(self, singleShot=True, interval=SAVE_MS)
        self._saving.timeout.connect(self.save)
        service.hub.documentChanged.connect(lambda _uid: self.remember())
        service.hub.storeChanged.connect(self._leaving_store)

    def attach(self, view: SpanTextView) -> None:
        """Follow ``view`` (connected after the editor: it has loaded the document by then)."""
        self.view = view
        self.service.hub.documentChanged.connect(self._arrived)

    def remember(self) -> None:
        """Note the shown document and the place in it under its store; they are written to
        the settings :data:`SAVE_MS` later, or by :meth:`save`."""
        location, uid = self._shown
        if self.view is None or not location or not uid:
            return
        top, caret = self.view.place()
        group = store_key(location)
        self._unsaved.update({f"{group}/document": uid, f"{group}/top": top,
                              f"{group}/caret": caret})
        self._saving.start()

    def save(self) -> None:
        """Write the places noted to the settings."""
        self._saving.stop()
        for key, value in self._unsaved.items():
            self.settings.setValue(key, value)
        self._unsaved.clear()

    def _value(self, key: str, default: object) -> object:
        """The setting ``key`` as noted last, written or not."""
        return self._unsaved[key] if key in self._unsaved else \
            self.settings.value(key, default)

    def _number(self, key: str) -> int:
        """The setting ``key`` as a whole number (0: none, or not a number)."""
        try:
            return int(str(self._value(key, 0)))
        except ValueError:
            return 0

    def last_document(self) -> str | None:
        """The document last shown from the open store, if it is still there."""
        uid = str(self._value(f"{store_key(self.service.location)}/document", "") or "")
        return uid if uid and self.service.document(uid) is not None else None

    def reopen(self, first: str | None) -> None:
        """After a store was (re)opened: back to the place in the document still shown (a
        reload after an import or another program's edit), else open the store's last document
        shown, else ``first``."""
        current = self.service.current
        if current:
            self._arrived(current)
            return
        uid = self.last_document() or first
        if uid:
            self.service.open_document(uid)

    def _leaving_store(self) -> None:
        """Before the editor reloads: remember the place in the store being left."""
        self.remember()
        self._shown = ("", "")

    def _arrived(self, uid: str) -> None:
        location = self.service.location
        self._shown = (location, uid)
        group = store_key(location)
        view = self.view
        if view is not None and uid and self._value(f"{group}/document", None) == uid:
            top, caret = self._number(f"{group}/top"), self._number(f"{group}/caret")
            # once the window is laid out (a view not shown yet has no lines to scroll by);
            # dropped with the view, and when another document came first
            QTimer.singleShot(0, view, lambda: self._shown == (location, uid)
                              and view.go_to_place(top, caret))
