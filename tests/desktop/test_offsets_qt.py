"""annotate.offsets against a real QPlainTextEdit (offscreen): selections made at the computed Qt
positions must read back as the intended code points and show the intended text."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QPlainTextEdit

from annotate.offsets import OffsetMap, display_text

pytestmark = pytest.mark.gui

PIECES = [
    "a", "b", "Z", " ", ".", "\r\n", "\r", "\n", "\t", "\u2028", "\u2029", "\x0b", "\x0c",
    "\x85", "\x00", "😀", "𝔘", "👩\u200d👩\u200d👧", "🇺🇦", "e\u0301", "\u05e9\u05dc\u05d5\u05dd",
    "\u0645\u0631\u062d\u0628\u0627", "\ufeff", "\ufffe", "\ufdd0", "\ufdd1",
]  # fmt: skip
texts = st.lists(st.sampled_from(PIECES), max_size=30).map("".join)
QT_SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture
def editor(qtbot) -> QPlainTextEdit:
    widget = QPlainTextEdit()
    widget.setReadOnly(True)
    qtbot.addWidget(widget)
    return widget


def show(editor: QPlainTextEdit, text: str) -> OffsetMap:
    editor.setPlainText(display_text(text))
    return OffsetMap(text)


def select(editor: QPlainTextEdit, anchor: int, position: int) -> QTextCursor:
    cursor = QTextCursor(editor.document())
    cursor.setPosition(anchor)
    cursor.setPosition(position, QTextCursor.MoveMode.KeepAnchor)
    editor.setTextCursor(cursor)
    return editor.textCursor()


def shown(cursor: QTextCursor) -> str:
    return cursor.selectedText().replace("\u2029", "\n")


def displayed(text: str, start: int, end: int) -> str:
    """How ``text[start:end]`` looks inside the display of ``text`` (a BOM is special at 0 only)."""
    return display_text(text[start:end]) if start == 0 else display_text("." + text[start:end])[1:]


def snapped(text: str, start: int, end: int) -> tuple[int, int]:
    """The code-point range a selection of ``[start, end)`` can have: CRLFs are not split."""
    inside = [i > 0 and text[i - 1 : i + 1] == "\r\n" for i in (start, end)]
    if start == end:
        return (start - 1,) * 2 if inside[0] else (start, end)
    return start - inside[0], end + inside[1]


@QT_SETTINGS
@given(texts)
def test_document_positions_follow_the_model(editor: QPlainTextEdit, text: str) -> None:
    offsets = show(editor, text)
    assert editor.document().characterCount() - 1 == offsets.qt_length
    assert editor.toPlainText() == display_text(text)


@QT_SETTINGS
@given(texts, st.data())
def test_selection_at_computed_positions_reads_back_as_the_code_point_range(
    editor: QPlainTextEdit, text: str, data: st.DataObject
) -> None:
    offsets = show(editor, text)
    start = data.draw(st.integers(0, len(text)), label="start")
    end = data.draw(st.integers(start, len(text)), label="end")
    backwards = data.draw(st.booleans(), label="backwards")
    a, b = offsets.range_to_qt(start, end)
    cursor = select(editor, b, a) if backwards else select(editor, a, b)
    got = offsets.range_from_qt(cursor.selectionStart(), cursor.selectionEnd())
    assert got == snapped(text, start, end)
    assert shown(cursor) == displayed(text, start, end)


@QT_SETTINGS
@given(texts, st.data())
def test_any_qt_selection_maps_to_the_smallest_covering_range(
    editor: QPlainTextEdit, text: str, data: st.DataObject
) -> None:
    offsets = show(editor, text)
    a = data.draw(st.integers(0, offsets.qt_length), label="a")
    b = data.draw(st.integers(0, offsets.qt_length), label="b")
    cursor = select(editor, a, b)
    start, end = offsets.range_from_qt(cursor.selectionStart(), cursor.selectionEnd())
    wide = select(editor, *offsets.range_to_qt(start, end))
    assert wide.selectionStart() <= min(a, b) < wide.selectionStart() + 2
    assert wide.selectionEnd() >= max(a, b) > wide.selectionEnd() - 2
    assert shown(wide) == displayed(text, start, end)


@QT_SETTINGS
@given(texts)
def test_cursor_movement_lands_only_between_code_points(editor: QPlainTextEdit, text: str) -> None:
    offsets = show(editor, text)
    cursor = QTextCursor(editor.document())
    while cursor.movePosition(
        QTextCursor.MoveOperation.NextCharacter, QTextCursor.MoveMode.KeepAnchor
    ):
        position = cursor.position()
        assert offsets.to_qt(offsets.from_qt(position)) == position
        start, end = offsets.range_from_qt(cursor.anchor(), position)
        assert (start, end) == (0, offsets.from_qt(position))
        assert shown(cursor) == displayed(text, start, end)
    assert cursor.position() == offsets.qt_length


@QT_SETTINGS
@given(texts.filter(lambda text: not text.startswith("\ufffe")))
def test_raw_text_differs_only_by_a_leading_byte_order_mark(
    editor: QPlainTextEdit, text: str
) -> None:
    """The measured facts display_text rests on: it changes glyphs, never Qt's count of positions,
    except that Qt itself would drop a leading U+FEFF."""
    editor.setPlainText(text)
    dropped = 1 if text.startswith("\ufeff") else 0
    assert editor.document().characterCount() - 1 == OffsetMap(text).qt_length - dropped


def test_a_leading_reversed_byte_order_mark_is_defused(editor: QPlainTextEdit) -> None:
    """Given a leading U+FFFE, Qt reads the rest byte-swapped; display_text prevents that."""
    editor.setPlainText("\ufffeab\ncd")
    assert editor.toPlainText() == "\u6100\u6200\u0a00\u6300\u6400"
    editor.setPlainText(display_text("\ufffeab\ncd"))
    assert editor.toPlainText() == "\ufffdab\ncd"
