"""The administration dialog, one module per tab and dialog; ``dialog.AdminDialog`` opens it."""
