"""Which annotator layers the text view shows: the current annotator's (as when annotating),
several annotators' stacked, or the gold layer. A checkable "Layers" menu and a preset combo
both drive :meth:`desktop.editor.Editor.set_layers`; edits always go to the current
annotator's own layer, gold changes only through adjudication."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QComboBox, QMenu, QWidget

from annotate.model import GOLD
from desktop.editor import Editor
from desktop.plain import mnemonic, tooltip
from desktop.service import Service

PRESETS: tuple[tuple[str, str], ...] = (
    ("mine", "My layer"),
    ("annotators", "All annotators"),
    ("annotators+gold", "All annotators and gold"),
    ("gold", "Gold only"),
)


class Layers(QObject):
    """The layer choice of one editor; ``changed`` fires after the view was reloaded."""

    changed = Signal()

    def __init__(self, service: Service, editor: Editor, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.editor = editor

    def annotators(self) -> list[str]:
        """Everyone in the store but gold (the current annotator too, even with no span yet)."""
        names = self.service.annotators()
        if self.service.annotator not in names:
            names.append(self.service.annotator)
        return [name for name in names if name != GOLD]

    def shown(self) -> tuple[str, ...]:
        return self.editor.shown_layers()

    def show(self, names: Sequence[str]) -> None:
        """Show ``names``' layers in store order, gold last; empty: the current annotator's."""
        order = [*self.annotators(), GOLD]
        chosen = set(names)
        layers = [name for name in order if name in chosen]
        self.editor.set_layers([] if layers == [self.service.annotator] else layers)
        self.changed.emit()

    def preset_layers(self, preset: str) -> list[str]:
        """The layers a preset of :data:`PRESETS` shows."""
        everyone = self.annotators()
        return {"mine": [self.service.annotator], "annotators": everyone,
                "annotators+gold": [*everyone, GOLD], "gold": [GOLD]}[preset]

    def show_preset(self, preset: str) -> None:
        self.show(self.preset_layers(preset))

    def preset(self) -> str | None:
        """The preset matching what is shown, or None for another choice."""
        shown = list(self.shown())
        return next((key for key, _ in PRESETS if self.preset_layers(key) == shown), None)

    def toggle(self, name: str, on: bool) -> None:
        shown = [n for n in self.shown() if n != name]
        self.show([*shown, name] if on else shown)

    # -- widgets -----------------------------------------------------------------------------
    def menu(self, parent: QWidget) -> QMenu:
        """A "Layers" menu: one checkable entry per annotator and gold, then the presets;
        filled afresh each time it opens."""
        menu = QMenu("&Layers", parent)
        menu.aboutToShow.connect(lambda: self._fill(menu))
        return menu

    def _fill(self, menu: QMenu) -> None:
        menu.clear()
        shown = self.shown()
        for name in [*self.annotators(), GOLD]:
            mine = " (you)" if name == self.service.annotator else ""
            action = menu.addAction(mnemonic(f"{name}{mine}"))
            action.setToolTip(tooltip(name))
            action.setCheckable(True)
            action.setChecked(name in shown)
            action.toggled.connect(lambda on, n=name: self.toggle(n, on))
        menu.addSeparator()
        for key, text in PRESETS:
            menu.addAction(text).triggered.connect(lambda _c=False, k=key: self.show_preset(k))

    def combo(self, parent: QWidget) -> QComboBox:
        """A preset chooser kept in step with the menu ("Custom" for any other choice)."""
        box = QComboBox(parent)
        for key, text in PRESETS:
            box.addItem(text, key)
        box.addItem("Custom (see View ▸ Layers)", None)
        box.setToolTip("Which annotators' spans the text shows; your edits go to your own layer")
        box.setAccessibleName("Layers shown")

        def sync() -> None:
            box.blockSignals(True)
            box.setCurrentIndex(box.findData(self.preset()) if self.preset() else box.count() - 1)
            box.blockSignals(False)

        def chosen(index: int) -> None:
            key = box.itemData(index)
            if key is not None:
                self.show_preset(key)
            else:
                sync()

        box.activated.connect(chosen)
        self.changed.connect(sync)
        self.service.hub.annotatorChanged.connect(lambda _name: sync())
        sync()
        return box
