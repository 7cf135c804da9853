"""The widgets of the main window, one view per module."""
