"""Patient records under pseudonymous ids; each keeps the secret that keys its surrogates.

A record can be found again by the patient's MRN without the MRN being stored: only
HMAC-SHA256 of the normalised MRN is kept, under a random key that lives in the encrypted
store (``store_secrets``), so the hash cannot be recomputed from a list of MRNs without the
store's key. A free label names the record in lists.

A record for a new document is named when the document is submitted and written only with
the document (``pending`` → ``store``): a file that is refused or fails leaves no empty
record behind.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import unicodedata
from dataclasses import dataclass

from engine.clock import utc_now_iso
from engine.errors import AlreadyExists, InvalidRequest, NotFound
from engine.protocol import RecordInfo

MRN_KEY = "records.mrn_hmac_key"
MAX_MRN = 40
MAX_LABEL = 60
_MRN_PREFIX = re.compile(r"^(MRN|MEDICAL\s*RECORD(\s*(NO|NUMBER))?)\s*[:#.]?\s*")
_MRN_SEPARATORS = re.compile(r"[\s\-./]+")


@dataclass(frozen=True)
class Record:
    id: str
    pseudonym: str
    secret: bytes
    created_at: str


def new_id() -> str:
    return "R-" + secrets.token_hex(6)


def pending(record_id: str | None = None) -> Record:
    """A record not yet written (its id given out with a job, or new); its secret is fresh."""
    return Record(record_id or new_id(), "Patient " + secrets.token_hex(3).upper(),
                  secrets.token_bytes(32), utc_now_iso())


def store(conn, record: Record, created_by: str | None) -> Record:
    """Write ``record`` unless a record of its id is there already; return the stored one."""
    conn.execute(
        "INSERT OR IGNORE INTO records (id, pseudonym, secret, created_at, created_by) "
        "VALUES (?,?,?,?,?)",
        (record.id, record.pseudonym, record.secret, record.created_at, created_by),
    )
    return get(conn, record.id)


def find(conn, record_id: str) -> Record | None:
    row = conn.execute(
        "SELECT id, pseudonym, secret, created_at FROM records WHERE id = ?", (record_id,)
    ).fetchone()
    return Record(row[0], row[1], bytes(row[2]), row[3]) if row else None


def get(conn, record_id: str) -> Record:
    record = find(conn, record_id)
    if record is None:
        raise NotFound("no such record", {"record_id": record_id})
    return record


def awaited(conn, record_id: str) -> bool:
    """Whether a queued or running job will write the record ``record_id`` (a file added to a
    record whose first document is still being processed)."""
    return conn.execute(
        "SELECT 1 FROM jobs WHERE state IN ('queued', 'running') "
        "AND json_extract(payload, '$.record_id') = ? LIMIT 1", (record_id,)).fetchone() is not None


def require(conn, record_id: str) -> None:
    """A record a new document may be added to: stored, or awaited by a job."""
    if find(conn, record_id) is None and not awaited(conn, record_id):
        raise NotFound("no such record", {"record_id": record_id})


_INFO = ("SELECT r.id, r.pseudonym, r.label, r.mrn_hash IS NOT NULL, r.created_at, "
         "(SELECT count(*) FROM documents d WHERE d.record_id = r.id) FROM records r ")


def list_all(conn) -> list[RecordInfo]:
    rows = conn.execute(_INFO + "ORDER BY r.created_at DESC").fetchall()
    return [RecordInfo(r[0], r[1], r[2], bool(r[3]), r[4], r[5]) for r in rows]


def info(conn, record_id: str) -> RecordInfo:
    row = conn.execute(_INFO + "WHERE r.id = ?", (record_id,)).fetchone()
    if row is None:
        raise NotFound("no such record", {"record_id": record_id})
    return RecordInfo(row[0], row[1], row[2], bool(row[3]), row[4], row[5])


# --- the MRN, as a keyed hash only --------------------------------------------------------

def normalise_mrn(mrn: str) -> str:
    """The MRN as typed, made comparable: compatibility forms folded, upper case, a leading
    "MRN:" label and separators (spaces, hyphens, dots, slashes) dropped. Error messages
    never quote the value."""
    text = unicodedata.normalize("NFKC", mrn).strip().upper()
    text = _MRN_SEPARATORS.sub("", _MRN_PREFIX.sub("", text))
    if not text:
        raise InvalidRequest("type the MRN (letters and digits)")
    if len(text) > MAX_MRN or not text.isalnum() or not text.isascii():
        raise InvalidRequest(f"an MRN has at most {MAX_MRN} letters and digits")
    return text


def _mrn_key(conn, create_key: bool) -> bytes | None:
    row = conn.execute("SELECT value FROM store_secrets WHERE name = ?", (MRN_KEY,)).fetchone()
    if row is not None:
        return bytes(row[0])
    if not create_key:
        return None
    key = secrets.token_bytes(32)
    conn.execute("INSERT INTO store_secrets (name, value) VALUES (?, ?)", (MRN_KEY, key))
    return key


def _digest(key: bytes, mrn: str) -> str:
    return hmac.new(key, normalise_mrn(mrn).encode("ascii"), hashlib.sha256).hexdigest()


def find_by_mrn(conn, mrn: str) -> RecordInfo | None:
    """The record linked to this MRN (exact match after normalising), or None."""
    key = _mrn_key(conn, create_key=False)
    if key is None:  # no MRN was ever linked: still refuse a malformed one
        normalise_mrn(mrn)
        return None
    row = conn.execute("SELECT id FROM records WHERE mrn_hash = ?",
                       (_digest(key, mrn),)).fetchone()
    return info(conn, row[0]) if row else None


def set_mrn(conn, record_id: str, mrn: str) -> RecordInfo:
    """Link (or, with "", unlink) the record and an MRN; one record per MRN. Call inside a
    write transaction: the first link creates the key."""
    get(conn, record_id)
    digest = _digest(_mrn_key(conn, create_key=True), mrn) if mrn.strip() else None
    if digest is not None:
        other = conn.execute("SELECT id FROM records WHERE mrn_hash = ? AND id != ?",
                             (digest, record_id)).fetchone()
        if other is not None:
            raise AlreadyExists("this MRN is already linked to another record",
                                {"record_id": other[0]})
    conn.execute("UPDATE records SET mrn_hash = ? WHERE id = ?", (digest, record_id))
    return info(conn, record_id)


# --- the label ----------------------------------------------------------------------------

def clean_label(label: str) -> str | None:
    """One line of at most MAX_LABEL characters; blank clears it."""
    text = " ".join(unicodedata.normalize("NFKC", label).split())
    if any(unicodedata.category(c).startswith("C") for c in text):
        raise InvalidRequest("a label is plain text on one line")
    if len(text) > MAX_LABEL:
        raise InvalidRequest(f"a label has at most {MAX_LABEL} characters")
    return text or None


def set_label(conn, record_id: str, label: str) -> RecordInfo:
    get(conn, record_id)
    conn.execute("UPDATE records SET label = ? WHERE id = ?", (clean_label(label), record_id))
    return info(conn, record_id)
