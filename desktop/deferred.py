"""Parts of the window made when first needed: a dock's body behind another tab is made when
the dock is first shown (or first asked for), so the window's start builds only what its first
paint shows (issue 17: start_ratio).

A :class:`Deferred` is a child of the widget it makes a part of, so whatever needs every part
the window has (Help ▸ Keyboard shortcuts reads every action) makes them all first with
:func:`make_all`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QDockWidget, QWidget


class Deferred(QObject):
    """What ``make`` gives, made on the first call of :meth:`made` and kept."""

    def __init__(self, owner: QObject, make: Callable[[], Any]) -> None:
        super().__init__(owner)
        self._make: Callable[[], Any] | None = make
        self._part: Any = None

    @property
    def done(self) -> bool:
        """Whether the part has been made."""
        return self._make is None

    def made(self) -> Any:
        if self._make is not None:
            make, self._make = self._make, None
            self._part = make()
        return self._part


def make_all(root: QObject) -> None:
    """Make every part deferred under ``root`` (those made may defer others: made too)."""
    while waiting := [d for d in root.findChildren(Deferred) if not d.done]:
        for deferred in waiting:
            deferred.made()


class DeferredDock(QDockWidget):
    """A dock whose body (its widgets, and its ties to the service) is made by
    :meth:`make_body` when the dock is first shown, or when an attribute only the body sets
    is first asked for (a method called, a test looking in): before that, the dock behind
    another tab costs the start nothing but its title. :meth:`shown_changed` follows the
    dock's showing and hiding once the body is made (first: the showing that made it)."""

    def __init__(self, title: str, name: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.setObjectName(name)  # the window's saved layout places the dock by its name
        self.deferred = Deferred(self, self.make_body)
        self.visibilityChanged.connect(self._on_visibility)

    def make_body(self) -> None:
        raise NotImplementedError

    def shown_changed(self, visible: bool) -> None:
        """The dock shown (its tab in front) or hidden, once its body is made."""

    def _on_visibility(self, visible: bool) -> None:
        if visible:
            self.deferred.made()
        if self.deferred.done:
            self.shown_changed(visible)

    def __getattr__(self, name: str) -> Any:
        """Called for an attribute not found: one the body sets, when it is not made yet."""
        deferred = self.__dict__.get("deferred")
        if deferred is None or deferred.done or name.startswith("__"):
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        deferred.made()
        return getattr(self, name)
