"""Who may do what: enforced in the engine for every request, not only hidden in the GUI."""

from __future__ import annotations

from engine.errors import PermissionDenied
from engine.policy import machine_policy
from engine.store.users import Role

_ALL = frozenset(Role)
_CLINICAL = frozenset({Role.ADMIN, Role.CLINICIAN})
_ADMIN = frozenset({Role.ADMIN})

PERMISSIONS: dict[str, frozenset[Role]] = {
    "document.submit": _ALL,
    "document.list": _ALL,
    "document.read": _CLINICAL,  # scrubbed text and extracted data
    "record.list": _ALL,
    "record.find": _ALL,  # by MRN: the front desk files documents under the right record
    "record.label": _ALL,
    "record.mrn": _ALL,  # link an MRN to a record that has none
    "record.mrn_change": _CLINICAL,  # replace or remove a linked MRN: moves identity
    "job.view": _ALL,
    "job.control": _ALL,
    "summary.create": _CLINICAL,
    "export": _CLINICAL,
    "audit.read": _ADMIN,
    "user.admin": _ADMIN,
    "settings.write": _ADMIN,
    "models.admin": _ADMIN,
}


def require(role: Role, permission: str) -> None:
    machine_policy().check_role(role.value)  # IT may keep roles off this workstation
    if role not in PERMISSIONS[permission]:
        raise PermissionDenied(
            "your role does not allow this action", {"permission": permission, "role": role.value}
        )
