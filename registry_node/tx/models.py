"""Tables of the signing service: API tokens, per-account nonces, transaction requests, audit.

No key material is ever stored: tokens are sha256 hashes of their secret, and a request keeps
only the signed raw transaction (public once broadcast) so it can be re-broadcast after a crash.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Index, Integer, LargeBinary, String, Text
from sqlalchemy import UniqueConstraint as Unique
from sqlalchemy.orm import Mapped, mapped_column

from registry_node.db import Base

ADDRESS = String(42)
HASH = String(66)


class SigningToken(Base):
    """An API token: public id, sha256 of its secret, the key it may use and its operations."""

    __tablename__ = "signing_tokens"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, doc="public token id")
    name: Mapped[str] = mapped_column(String(100), doc="who holds it (a label, not a secret)")
    secret_sha256: Mapped[str] = mapped_column(String(64))
    key_name: Mapped[str | None] = mapped_column(String(64), doc="signing key; none: no signing")
    ops: Mapped[str] = mapped_column(Text, doc="comma-separated operations; empty: read-only")
    created_at: Mapped[int] = mapped_column(BigInteger, doc="unix seconds")
    expires_at: Mapped[int | None] = mapped_column(BigInteger, doc="unix seconds; none: never")
    revoked_at: Mapped[int | None] = mapped_column(BigInteger, doc="unix seconds")


class SigningNonce(Base):
    """The next nonce this node will use for one sending address (row-locked on allocation)."""

    __tablename__ = "signing_nonces"
    chain_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    address: Mapped[str] = mapped_column(ADDRESS, primary_key=True)
    next_nonce: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[int] = mapped_column(BigInteger, doc="unix seconds")


class SigningRequest(Base):
    """One signing or relay request and the transaction it became (the idempotency record)."""

    __tablename__ = "signing_requests"
    __table_args__ = (
        Unique("token_id", "idempotency_key"),
        Unique("chain_id", "sender", "nonce"),
        Unique("tx_hash"),
        Index("ix_signing_requests_state", "state", "sender"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, doc="public request id (uuid)")
    chain_id: Mapped[int] = mapped_column(BigInteger)
    token_id: Mapped[str | None] = mapped_column(String(32))
    idempotency_key: Mapped[str | None] = mapped_column(String(255))
    request_sha256: Mapped[str] = mapped_column(String(64), doc="hash of op + canonical body")
    op: Mapped[str] = mapped_column(String(32))
    key_name: Mapped[str | None] = mapped_column(String(64))
    sender: Mapped[str] = mapped_column(ADDRESS)
    to: Mapped[str] = mapped_column(ADDRESS)
    function: Mapped[str] = mapped_column(String(80), doc="contract.function")
    calldata: Mapped[bytes] = mapped_column(LargeBinary)
    nonce: Mapped[int | None] = mapped_column(BigInteger)
    tx_hash: Mapped[str | None] = mapped_column(HASH)
    raw_tx: Mapped[bytes | None] = mapped_column(LargeBinary, doc="signed; public once sent")
    replaced_hashes: Mapped[str | None] = mapped_column(
        Text, doc="comma-separated hashes of earlier signings of this nonce (fee bumps)"
    )
    state: Mapped[str] = mapped_column(
        String(16), doc="received, signed, sent, mined, failed, rejected, dropped"
    )
    http_status: Mapped[int | None] = mapped_column(Integer, doc="final answer, replayed")
    error_name: Mapped[str | None] = mapped_column(String(80))
    error_args: Mapped[str | None] = mapped_column(Text, doc="decoded arguments as JSON")
    error_detail: Mapped[str | None] = mapped_column(Text)
    block_number: Mapped[int | None] = mapped_column(BigInteger)
    block_hash: Mapped[str | None] = mapped_column(HASH)
    gas_used: Mapped[int | None] = mapped_column(BigInteger)
    events: Mapped[str | None] = mapped_column(Text, doc="decoded registry events, JSON")
    created_at: Mapped[int] = mapped_column(BigInteger, doc="unix seconds")
    updated_at: Mapped[int] = mapped_column(BigInteger, doc="unix seconds")


class SigningAudit(Base):
    """One line per signing-service request: who asked for what and what happened (no secrets)."""

    __tablename__ = "signing_audit"
    __table_args__ = (Index("ix_signing_audit_token", "token_id", "id"),)
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[int] = mapped_column(BigInteger, doc="unix milliseconds")
    token_id: Mapped[str | None] = mapped_column(String(32))
    key_name: Mapped[str | None] = mapped_column(String(64))
    op: Mapped[str] = mapped_column(String(32))
    idempotency_key: Mapped[str | None] = mapped_column(String(255))
    outcome: Mapped[str] = mapped_column(String(32))
    http_status: Mapped[int] = mapped_column(Integer)
    request_id: Mapped[str | None] = mapped_column(String(36))
    tx_hash: Mapped[str | None] = mapped_column(HASH)
    detail: Mapped[str | None] = mapped_column(Text)
    client: Mapped[str | None] = mapped_column(String(64), doc="client address (IP)")
