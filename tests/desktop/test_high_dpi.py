"""On a high-DPI screen (Qt scaling the window by 2): label swatches are drawn at the screen's
pixel ratio, and the window still fits a screen of 1600 x 1000 pixels (800 x 500 once scaled)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from window_helpers import open_samples_window

pytestmark = pytest.mark.gui
ROOT = Path(__file__).resolve().parents[2]
SWATCH = """
from PySide6.QtWidgets import QApplication
app = QApplication([])
from annotate.schema import Label
from desktop.palette import swatch_pixmap
pixmap = swatch_pixmap(Label("CLAIM", "claim", "#E69F00"), 14)
print(pixmap.width(), pixmap.height(), pixmap.devicePixelRatio())
"""


def test_swatches_are_drawn_at_twice_the_pixels_when_the_screen_is_scaled_by_two():
    env = {**os.environ, "QT_SCALE_FACTOR": "2", "QT_QPA_PLATFORM": "offscreen",
           "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", SWATCH], env=env, capture_output=True,
                          text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["28", "28", "2.0"]


def test_the_window_fits_a_small_scaled_screen(qtbot, tmp_path):
    window = open_samples_window(qtbot, tmp_path)
    least = window.minimumSizeHint()
    assert least.width() <= 800 and least.height() <= 500
    window.service.store.close()
