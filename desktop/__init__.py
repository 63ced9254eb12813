"""Counterclaim's PySide6 window, dialogs and command line."""
