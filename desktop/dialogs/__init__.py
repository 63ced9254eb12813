"""Dialogs of the main window that stand on their own (import and export: transfer)."""
