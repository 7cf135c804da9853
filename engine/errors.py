"""One error hierarchy for the whole engine.

Every failure that crosses the process boundary is carried by its stable ``code``;
``error_from_code`` maps it back to the same class on the other side. Messages and
details must never contain PHI or document text: they end up in logs and the audit.
"""

from __future__ import annotations

from enum import Enum
from typing import Any


class ErrorCode(str, Enum):
    UNSUPPORTED_FORMAT = "UNSUPPORTED_FORMAT"
    CORRUPT_FILE = "CORRUPT_FILE"
    ENCRYPTED_DOCUMENT = "ENCRYPTED_DOCUMENT"
    FILE_TOO_LARGE = "FILE_TOO_LARGE"
    EMPTY_DOCUMENT = "EMPTY_DOCUMENT"
    OCR_UNAVAILABLE = "OCR_UNAVAILABLE"
    FILE_NOT_FOUND = "FILE_NOT_FOUND"
    FORBIDDEN_PATH = "FORBIDDEN_PATH"
    MODEL_NOT_FOUND = "MODEL_NOT_FOUND"
    MODEL_LOAD_FAILED = "MODEL_LOAD_FAILED"
    MODEL_CHECKSUM_MISMATCH = "MODEL_CHECKSUM_MISMATCH"
    INVALID_CONFIG = "INVALID_CONFIG"
    INSUFFICIENT_MEMORY = "INSUFFICIENT_MEMORY"
    TOKEN_LIMIT = "TOKEN_LIMIT"
    TIMEOUT = "TIMEOUT"
    CANCELLED = "CANCELLED"
    WORKER_CRASHED = "WORKER_CRASHED"
    AUTH_FAILED = "AUTH_FAILED"
    PERMISSION_DENIED = "PERMISSION_DENIED"
    NOT_FOUND = "NOT_FOUND"
    ALREADY_EXISTS = "ALREADY_EXISTS"
    INVALID_REQUEST = "INVALID_REQUEST"
    STORE_NOT_INITIALIZED = "STORE_NOT_INITIALIZED"
    STORAGE_FULL = "STORAGE_FULL"
    STORAGE_UNAVAILABLE = "STORAGE_UNAVAILABLE"
    STORE_BUSY = "STORE_BUSY"
    AUDIT_CHAIN_BROKEN = "AUDIT_CHAIN_BROKEN"
    VERSION_MISMATCH = "VERSION_MISMATCH"
    INTERNAL_ERROR = "INTERNAL_ERROR"


class HntaiError(Exception):
    """Base of every engine error. ``message`` is for people, ``code`` for programs."""

    code: ErrorCode = ErrorCode.INTERNAL_ERROR

    def __init__(self, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details: dict[str, Any] = dict(details or {})

    def __reduce__(self):  # keep pickling (across multiprocessing) lossless
        return (error_from_code, (self.code.value, self.message, self.details))


class UnsupportedFormat(HntaiError):
    """File type not handled."""

    code = ErrorCode.UNSUPPORTED_FORMAT


class CorruptFile(HntaiError):
    """File cannot be parsed."""

    code = ErrorCode.CORRUPT_FILE


class EncryptedDocument(HntaiError):
    """Password-protected."""

    code = ErrorCode.ENCRYPTED_DOCUMENT


class FileTooLarge(HntaiError):
    """Over a configured limit."""

    code = ErrorCode.FILE_TOO_LARGE


class EmptyDocument(HntaiError):
    """No text could be obtained."""

    code = ErrorCode.EMPTY_DOCUMENT


class OcrUnavailable(HntaiError):
    """Tesseract is missing."""

    code = ErrorCode.OCR_UNAVAILABLE


class FileNotFound(HntaiError):
    """Input file is missing."""

    code = ErrorCode.FILE_NOT_FOUND


class ForbiddenPath(HntaiError):
    """Input path leads into a system folder or the data directory."""

    code = ErrorCode.FORBIDDEN_PATH


class ModelNotFound(HntaiError):
    """Model file not provisioned."""

    code = ErrorCode.MODEL_NOT_FOUND


class ModelLoadFailed(HntaiError):
    """Backend failed to load."""

    code = ErrorCode.MODEL_LOAD_FAILED


class ModelChecksumMismatch(HntaiError):
    """Model file hash differs."""

    code = ErrorCode.MODEL_CHECKSUM_MISMATCH


class InvalidConfig(HntaiError):
    """Configuration is invalid."""

    code = ErrorCode.INVALID_CONFIG


class InsufficientMemory(HntaiError):
    """Nothing fits."""

    code = ErrorCode.INSUFFICIENT_MEMORY


class TokenLimit(HntaiError):
    """Input exceeds the context window."""

    code = ErrorCode.TOKEN_LIMIT


class JobTimeout(HntaiError):
    """Work exceeded its time limit."""

    code = ErrorCode.TIMEOUT


class Cancelled(HntaiError):
    """Cancelled by the user."""

    code = ErrorCode.CANCELLED


class WorkerCrashed(HntaiError):
    """Engine process died."""

    code = ErrorCode.WORKER_CRASHED


class AuthFailed(HntaiError):
    """Wrong user, password or key."""

    code = ErrorCode.AUTH_FAILED


class PermissionDenied(HntaiError):
    """Role not allowed."""

    code = ErrorCode.PERMISSION_DENIED


class NotFound(HntaiError):
    """No such object."""

    code = ErrorCode.NOT_FOUND


class AlreadyExists(HntaiError):
    """Object exists already."""

    code = ErrorCode.ALREADY_EXISTS


class InvalidRequest(HntaiError):
    """Malformed request."""

    code = ErrorCode.INVALID_REQUEST


class StoreNotInitialized(HntaiError):
    """No store in the data directory."""

    code = ErrorCode.STORE_NOT_INITIALIZED


class StorageFull(HntaiError):
    """Disk is full."""

    code = ErrorCode.STORAGE_FULL


class StorageUnavailable(HntaiError):
    """Store unusable."""

    code = ErrorCode.STORAGE_UNAVAILABLE


STORE_BUSY_MESSAGE = ("HNTAI is already open on this data folder; close the other HNTAI "
                      "window, or wait for the hntai command using it to finish, then try again.")


class StoreBusy(HntaiError):
    """Another engine (a desktop window or an hntai command) holds the data folder."""

    code = ErrorCode.STORE_BUSY


class AuditChainBroken(HntaiError):
    """Audit tampered."""

    code = ErrorCode.AUDIT_CHAIN_BROKEN


class VersionMismatch(HntaiError):
    """Client/engine differ."""

    code = ErrorCode.VERSION_MISMATCH


class InternalError(HntaiError):
    """Unexpected failure."""

    code = ErrorCode.INTERNAL_ERROR


_BY_CODE: dict[str, type[HntaiError]] = {
    cls.code.value: cls
    for cls in (
        UnsupportedFormat, CorruptFile, EncryptedDocument, FileTooLarge, EmptyDocument,
        OcrUnavailable, FileNotFound, ForbiddenPath, ModelNotFound, ModelLoadFailed,
        ModelChecksumMismatch,
        InvalidConfig, InsufficientMemory, TokenLimit, JobTimeout, Cancelled, WorkerCrashed,
        AuthFailed, PermissionDenied, NotFound, AlreadyExists, InvalidRequest,
        StoreNotInitialized, StorageFull, StorageUnavailable, StoreBusy, AuditChainBroken,
        VersionMismatch, InternalError,
    )
}


def error_from_code(code: str, message: str, details: dict[str, Any] | None = None) -> HntaiError:
    """Rebuild the error class for ``code``; unknown codes become ``InternalError``."""
    return _BY_CODE.get(code, InternalError)(message, details)
