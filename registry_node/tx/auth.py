"""API tokens: `rnt_<id>_<secret>`, stored as sha256(secret), bound to one key and operations.

The secret is 32 random bytes (so a plain sha256 is enough: there is nothing to brute-force),
shown once at creation and never stored, logged or returned again.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from sqlalchemy.orm import Session

from registry_node.tx import repository as repo
from registry_node.tx.keys import KeyRing
from registry_node.tx.models import SigningToken
from registry_node.tx.ops import OPERATIONS, RELAY, ROLE_OPS
from registry_node.tx.settings import SigningKeySpec

PREFIX = "rnt"
_ID_BYTES = 8
_SECRET_BYTES = 32


class TokenError(ValueError):
    """A token cannot be created as asked (unknown key or operation, op outside the role)."""


@dataclass(frozen=True)
class Principal:
    """Who a valid token says the caller is."""

    token_id: str
    name: str
    key_name: str | None
    ops: frozenset[str]

    @property
    def read_only(self) -> bool:
        """Whether the token may only read (auditors)."""
        return not self.ops


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


def parse_ops(text: str) -> frozenset[str]:
    """Split a comma-separated operation list.

    Raises:
        TokenError: an unknown operation name.
    """
    ops = frozenset(o.strip() for o in text.split(",") if o.strip())
    unknown = sorted(ops - set(OPERATIONS) - {RELAY})
    if unknown:
        known = ", ".join([*sorted(OPERATIONS), RELAY])
        raise TokenError(f"unknown operation(s) {', '.join(unknown)}; known: {known}")
    return ops


def check_grant(key_name: str | None, ops: frozenset[str], keys: dict[str, SigningKeySpec]) -> None:
    """Check that a token for `key_name` may carry `ops`.

    Raises:
        TokenError: signing ops without a key, an unknown key, or ops outside the key's role.
    """
    signing = ops - {RELAY}
    if key_name is None:
        if signing:
            raise TokenError("signing operations need --key (the key they sign with)")
        return
    spec = keys.get(key_name)
    if spec is None:
        raise TokenError(f"unknown signing key {key_name!r}; configured: {sorted(keys)}")
    outside = sorted(signing - ROLE_OPS[spec.role])
    if outside:
        raise TokenError(f"key {key_name!r} (role {spec.role}) may not sign: {', '.join(outside)}")


def create_token(
    session: Session,
    name: str,
    key_name: str | None,
    ops: frozenset[str],
    expires_in: int | None = None,
    now: int | None = None,
) -> tuple[str, SigningToken]:
    """Create a token; return (the token text, shown once; its stored row)."""
    token_id = secrets.token_hex(_ID_BYTES)
    secret = secrets.token_hex(_SECRET_BYTES)
    created = int(time.time()) if now is None else now
    row = SigningToken(
        id=token_id,
        name=name,
        secret_sha256=_digest(secret),
        key_name=key_name,
        ops=",".join(sorted(ops)),
        created_at=created,
        expires_at=created + expires_in if expires_in else None,
        revoked_at=None,
    )
    repo.add_token(session, row)
    return f"{PREFIX}_{token_id}_{secret}", row


def authenticate(session: Session, presented: str, now: int) -> Principal | None:
    """Return the principal of a presented token, or None (unknown, wrong, revoked, expired)."""
    parts = presented.split("_")
    if len(parts) != 3 or parts[0] != PREFIX:
        return None
    _, token_id, secret = parts
    if len(token_id) != 2 * _ID_BYTES or len(secret) != 2 * _SECRET_BYTES:
        return None
    row = repo.get_token(session, token_id)
    if row is None or not hmac.compare_digest(row.secret_sha256, _digest(secret)):
        return None
    if row.revoked_at is not None or (row.expires_at is not None and row.expires_at <= now):
        return None
    ops = frozenset(o for o in row.ops.split(",") if o)
    return Principal(token_id=row.id, name=row.name, key_name=row.key_name, ops=ops)


def may_sign(principal: Principal, op: str, keyring: KeyRing) -> str | None:
    """Return why `principal` may not sign `op` (None when it may)."""
    if principal.read_only:
        return "this token is read-only"
    if op not in principal.ops:
        return f"this token may not perform {op!r}"
    key = keyring.get(principal.key_name) if principal.key_name else None
    if key is None:
        return "this token's signing key is not configured on this node"
    if not key.allows(op):
        return f"key {key.name!r} (role {key.role}) may not sign {op!r}"
    return None
