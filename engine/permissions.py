"""Who may do what: enforced in the engine for every request, not only hidden in the GUI.
The table is ``engine.protocol.ROLE_PERMISSIONS``, the one front ends read as
``UserInfo.permissions``."""

from __future__ import annotations

from engine.errors import PermissionDenied
from engine.policy import machine_policy
from engine.protocol import ROLE_PERMISSIONS, Permission, Role


def require(role: Role, permission: Permission) -> None:
    permission = Permission(permission)  # a caller's plain value works too
    machine_policy().check_role(role.value)  # IT may keep roles off this workstation
    if permission not in ROLE_PERMISSIONS[role]:
        raise PermissionDenied(
            "your role does not allow this action",
            {"permission": permission.value, "role": role.value},
        )
