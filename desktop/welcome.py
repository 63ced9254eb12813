"""The first-run welcome overlay over the text: the three moves, dismissed for good."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QVBoxLayout, QWidget

MOVES = ("Welcome to Counterclaim. Three moves:",
         "1.  Select text in the document (drag over the words).",
         "2.  Press a label key: c CLAIM, d DENIAL, p PERSON … (see the Labels panel).",
         "3.  Link spans: select a span, press L, then click the span it points to.",
         "Every edit is saved at once; Ctrl+Z undoes. F1: how to, and every shortcut.")


class Welcome(QFrame):
    """A framed note in the bottom-right corner of ``host`` (the text's start stays in
    view); :attr:`dismissed` when closed."""

    dismissed = Signal()

    def __init__(self, host: QWidget) -> None:
        super().__init__(host)
        self.setObjectName("welcome")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.ToolTipBase)
        self.setForegroundRole(QPalette.ColorRole.ToolTipText)
        layout = QVBoxLayout(self)
        for number, line in enumerate(MOVES):
            label = QLabel(line)
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setForegroundRole(QPalette.ColorRole.ToolTipText)
            if number == 0:
                font = label.font()
                font.setBold(True)
                label.setFont(font)
            layout.addWidget(label)
        close = QPushButton("Got it")
        close.clicked.connect(self.dismiss)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignRight)
        host.installEventFilter(self)
        self.adjustSize()
        self._place()

    def dismiss(self) -> None:
        self.hide()
        self.dismissed.emit()

    def _place(self) -> None:
        host = self.parentWidget()
        if host is not None:
            self.adjustSize()
            self.move(max(host.width() - self.width() - 24, 8),
                      max(host.height() - self.height() - 24, 8))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self._place()
        return super().eventFilter(watched, event)
