"""Test configuration: Qt runs offscreen, so a plain ``pytest`` works with no screen."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
