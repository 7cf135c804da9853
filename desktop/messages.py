"""Engine errors in plain language for clinic staff: one sentence per code saying what
happened and what to do next, then the stable code. The engine's own words would restate
the sentence ("The file is damaged… The PDF is damaged…"), so they are shown only where the
code alone says little (an invalid request, a refusal by policy) or the code is new to this
window; ``detail`` gives them for a tooltip."""

from __future__ import annotations

from engine import protocol as p
from engine.errors import STORE_BUSY_MESSAGE

PLAIN: dict[str, str] = {
    "UNSUPPORTED_FORMAT": "HNTAI cannot read this kind of file; save it as PDF, Word or text "
                          "and add it again.",
    "CORRUPT_FILE": "The file is damaged and could not be read; open it where it was made, "
                    "save a new copy and add that.",
    "ENCRYPTED_DOCUMENT": "The document is password-protected; remove the password and add "
                          "it again.",
    "FILE_TOO_LARGE": "The file is larger than this workstation accepts; split it, or ask an "
                      "administrator to raise the limit.",
    "EMPTY_DOCUMENT": "The file has no readable text; check that it is the right file.",
    "OCR_UNAVAILABLE": "Text recognition (Tesseract) is not installed on this workstation; "
                       "ask IT to install it, then retry.",
    "FILE_NOT_FOUND": "The file is no longer where it was added from; add it again from "
                      "where it is now.",
    "FORBIDDEN_PATH": "HNTAI does not read files from this folder; copy the file to your "
                      "documents and add it from there.",
    "MODEL_NOT_FOUND": "The language model is not installed on this workstation; ask IT to "
                       "provision it.",
    "MODEL_LOAD_FAILED": "The language model could not be started; retry, or ask IT to check "
                         "the model.",
    "MODEL_CHECKSUM_MISMATCH": "The model file does not match its checksum; ask IT to "
                               "provision it again.",
    "INSUFFICIENT_MEMORY": "Not enough memory is free right now; close other programs and "
                           "retry.",
    "TOKEN_LIMIT": "The text is too long for the model; summarize fewer documents at once.",
    "TIMEOUT": "The job took too long and was stopped; retry when the workstation is less "
               "busy.",
    "CANCELLED": "Cancelled.",
    "WORKER_CRASHED": "The engine stopped unexpectedly and was restarted; retry the job.",
    "AUTH_FAILED": "Sign in again to continue.",
    "STORE_NOT_INITIALIZED": "HNTAI is not set up on this workstation yet; run the first-run "
                             "setup.",
    "STORAGE_FULL": "The disk is full; free some space, then retry.",
    "STORAGE_UNAVAILABLE": "The data folder cannot be written; ask IT to check the disk.",
    "AUDIT_CHAIN_BROKEN": "The audit trail has been altered; tell your administrator.",
    "VERSION_MISMATCH": "This window and the engine are different versions; restart HNTAI.",
    "STORE_BUSY": STORE_BUSY_MESSAGE,
    "INTERNAL_ERROR": "Something went wrong inside HNTAI; retry, and tell IT if it happens "
                      "again.",
}

# Codes that name a kind of refusal whose reason is in the engine's words.
ENGINE_WORDS = frozenset({"INVALID_REQUEST", "NOT_FOUND", "ALREADY_EXISTS", "INVALID_CONFIG",
                          "PERMISSION_DENIED"})


def _sentence(text: str) -> str:
    text = text.strip().rstrip(".")
    return f"{text[:1].upper()}{text[1:]}." if text else ""


def describe(error: p.ErrorInfo) -> str:
    """One sentence for a person, then the code: ``… add it again. (ENCRYPTED_DOCUMENT)``."""
    plain = PLAIN.get(error.code)
    if plain is None or error.code in ENGINE_WORDS:
        plain = _sentence(error.message) or "The request could not be carried out."
    return plain if error.code == "CANCELLED" else f"{plain} ({error.code})"


def detail(error: p.ErrorInfo) -> str:
    """The sentence, and below it the engine's own words (for a tooltip)."""
    said = _sentence(error.message)
    shown = describe(error)
    return shown if not said or said in shown else f"{shown}\n{said}"
