"""Accessible names: what a screen reader says a control is. Buttons and check boxes are named
by their text; fields, lists and tables get a name set where they are made, or, in a form, the
caption of their row (:func:`name_form_fields`)."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLabel


def name_form_fields(form: QFormLayout) -> None:
    """Name each field of ``form`` that has no name yet after the caption of its row (rows
    holding a layout of several controls name those where they are made)."""
    for row in range(form.rowCount()):
        caption = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
        field = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
        label = caption.widget() if caption is not None else None
        widget = field.widget() if field is not None else None
        if isinstance(label, QLabel) and widget is not None and label.text().strip() \
                and not widget.accessibleName():
            widget.setAccessibleName(label.text().replace("&", "").strip())
