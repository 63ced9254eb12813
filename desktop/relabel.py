"""Relabelling a span from the window (label key, Labels panel, the Span panel's Label box):
what the relabel would drop is named, and asked about, before it happens; the relabel and the
removal of the links it leaves invalid are one undo step (:mod:`annotate.relabel`)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from annotate.model import Span
from annotate.relabel import Relabel, plan_relabel
from desktop.plain import line, message
from desktop.service import Service

SHOWN = 12
"""Most losses listed one by one in the question (the rest are counted)."""


def question(plan: Relabel, losses: list[str]) -> str:
    """What the confirmation asks."""
    before, after = plan.update.before.label, plan.update.after.label
    listed = [f"• {line(loss)}" for loss in losses[:SHOWN]]
    if len(losses) > SHOWN:
        listed.append(f"• and {len(losses) - SHOWN} more")
    return (f"Relabel {before} → {after}? A {after} span cannot keep:\n" + "\n".join(listed) +
            "\n\nOne undo (Ctrl+Z) brings the span back as it is now.")


def confirm(parent: QWidget, plan: Relabel, losses: list[str]) -> bool:
    box = QMessageBox(QMessageBox.Icon.Question, "Relabel", message(question(plan, losses)),
                      QMessageBox.StandardButton.Cancel, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    go = box.addButton(f"Relabel to {line(plan.update.after.label)}",
                       QMessageBox.ButtonRole.AcceptRole)
    box.setDefaultButton(go)
    focus = QApplication.focusWidget()
    box.exec()
    if focus is not None:  # back where the keys were typed (without a window manager too)
        focus.window().activateWindow()
        focus.setFocus(Qt.FocusReason.OtherFocusReason)
    return box.clickedButton() is go


def relabel_span(service: Service, span: Span, label: str, parent: QWidget) -> bool:
    """Give ``span`` (the current annotator's) ``label``, asking first when attributes or
    links would be dropped; False when the user declined or the store refused."""
    relations = [r for r in service.relations(span.document) if span.id in (r.source, r.target)]
    # the other ends of its links: a span without links needs none (a big document's spans
    # are not all read for it)
    spans = service.span_map(span.document) if relations else {}
    plan = plan_relabel(span, label, service.schema(), relations, spans)
    losses = plan.losses(spans)
    if losses and not confirm(parent, plan, losses):
        service.hub.message.emit("relabel cancelled")
        return False
    return service.apply(plan.command) is not None
