"""Engine errors in plain language for clinic staff; the stable code is always shown too."""

from __future__ import annotations

from engine import protocol as p
from engine.store_lock import STORE_BUSY_MESSAGE

PLAIN: dict[str, str] = {
    "UNSUPPORTED_FORMAT": "HNTAI cannot read this kind of file.",
    "CORRUPT_FILE": "The file is damaged and could not be read.",
    "ENCRYPTED_DOCUMENT": "The document is password-protected. Remove the password and add it "
                          "again.",
    "FILE_TOO_LARGE": "The file is larger than this workstation accepts.",
    "EMPTY_DOCUMENT": "The file has no readable text.",
    "OCR_UNAVAILABLE": "Text recognition (Tesseract) is not installed on this workstation.",
    "FILE_NOT_FOUND": "The file is no longer where it was added from.",
    "MODEL_NOT_FOUND": "The language model is not installed on this workstation.",
    "MODEL_LOAD_FAILED": "The language model could not be started.",
    "MODEL_CHECKSUM_MISMATCH": "The model file does not match its checksum; ask IT to "
                               "provision it again.",
    "INSUFFICIENT_MEMORY": "Not enough memory is free right now. Close other programs and "
                           "retry.",
    "TOKEN_LIMIT": "The text is too long for the model.",
    "TIMEOUT": "The job took too long and was stopped.",
    "CANCELLED": "Cancelled.",
    "WORKER_CRASHED": "The engine stopped unexpectedly; it was restarted.",
    "AUTH_FAILED": "Sign in again to continue.",
    "PERMISSION_DENIED": "Your role does not allow this action.",
    "STORAGE_FULL": "The disk is full. Free some space, then retry.",
    "STORAGE_UNAVAILABLE": "The data folder cannot be written.",
    "STORE_BUSY": STORE_BUSY_MESSAGE,
}


def describe(error: p.ErrorInfo) -> str:
    """One line for a person: the plain sentence, the engine's words, the code."""
    plain = PLAIN.get(error.code)
    detail = error.message.rstrip(".")
    if plain is None:
        return f"{detail} ({error.code})"
    if error.code == "CANCELLED" or detail.lower() in plain.lower():
        return f"{plain} ({error.code})"
    return f"{plain} {detail[:1].upper()}{detail[1:]}. ({error.code})"
