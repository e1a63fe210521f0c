"""SQL of the signing service (the only module that queries its tables)."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from registry_node.tx.models import SigningAudit, SigningNonce, SigningRequest, SigningToken

OPEN_STATES = ("signed", "sent")


class _WriterLock:
    """A lock where urgent holders (nonce allocation) go before ordinary writers.

    A signing key's nonce critical section needs the SQLite write lock; letting it overtake
    the bookkeeping writes of other requests keeps that section short.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._held = False
        self._urgent_waiting = 0

    def acquire(self, urgent: bool) -> None:
        with self._cond:
            if urgent:
                self._urgent_waiting += 1
                try:
                    while self._held:
                        self._cond.wait()
                finally:
                    self._urgent_waiting -= 1
            else:
                while self._held or self._urgent_waiting:
                    self._cond.wait()
            self._held = True

    def release(self) -> None:
        with self._cond:
            self._held = False
            self._cond.notify_all()


# SQLite has one writer. Threads of this process queue on this lock instead of in SQLite's
# busy handler, whose sleeps (up to 100 ms each) would cap throughput under concurrency.
_SQLITE_WRITER = _WriterLock()


def begin_write(session: Session) -> None:
    """Start the session's transaction as a writer (SQLite: BEGIN IMMEDIATE, no lock upgrade).

    A deferred SQLite transaction that reads and then writes can fail with `database is locked`
    without waiting; taking the write lock first makes it wait for `busy_timeout` instead.
    """
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")


@contextmanager
def write(sessions: sessionmaker[Session], urgent: bool = False) -> Iterator[Session]:
    """Yield a session in a write transaction that commits on success, rolls back on error.

    On SQLite the process-level writer lock is held until the commit, then BEGIN IMMEDIATE
    orders this process against others (the indexer process, a second node). `urgent`
    writers (nonce allocation) go first.
    """
    session = sessions()
    sqlite = session.get_bind().dialect.name == "sqlite"
    if sqlite:
        _SQLITE_WRITER.acquire(urgent)
    try:
        begin_write(session)
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
        if sqlite:
            _SQLITE_WRITER.release()


# ---------------------------------------------------------------------- tokens
def add_token(session: Session, token: SigningToken) -> None:
    """Store a new token (its secret only as a hash)."""
    session.add(token)


def get_token(session: Session, token_id: str) -> SigningToken | None:
    """Return the token with public id `token_id`."""
    return session.get(SigningToken, token_id)


def list_tokens(session: Session) -> Sequence[SigningToken]:
    """Return every token, oldest first."""
    return session.scalars(select(SigningToken).order_by(SigningToken.created_at)).all()


def revoke_token(session: Session, token_id: str, now: int) -> bool:
    """Mark a token revoked; return whether it existed and was active."""
    result = session.execute(
        update(SigningToken)
        .where(SigningToken.id == token_id, SigningToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return bool(getattr(result, "rowcount", 0))


# ---------------------------------------------------------------------- nonces
def lock_nonce(session: Session, chain_id: int, address: str) -> SigningNonce | None:
    """Return the account's nonce row, locked until commit (FOR UPDATE; SQLite: the db lock)."""
    return session.scalars(
        select(SigningNonce)
        .where(SigningNonce.chain_id == chain_id, SigningNonce.address == address)
        .with_for_update()
    ).one_or_none()


# ---------------------------------------------------------------------- requests
def get_request(session: Session, request_id: str) -> SigningRequest | None:
    """Return a request by its id."""
    return session.get(SigningRequest, request_id)


def request_by_idempotency(
    session: Session, token_id: str, idempotency_key: str
) -> SigningRequest | None:
    """Return the request a token made with `idempotency_key`."""
    return session.scalars(
        select(SigningRequest).where(
            SigningRequest.token_id == token_id,
            SigningRequest.idempotency_key == idempotency_key,
        )
    ).one_or_none()


def request_by_hash(session: Session, tx_hash: str) -> SigningRequest | None:
    """Return the request whose transaction has hash `tx_hash`."""
    return session.scalars(
        select(SigningRequest).where(SigningRequest.tx_hash == tx_hash)
    ).one_or_none()


def request_by_nonce(
    session: Session, chain_id: int, sender: str, nonce: int
) -> SigningRequest | None:
    """Return the request holding `nonce` of `sender`."""
    return session.scalars(
        select(SigningRequest).where(
            SigningRequest.chain_id == chain_id,
            SigningRequest.sender == sender,
            SigningRequest.nonce == nonce,
        )
    ).one_or_none()


def open_requests(session: Session, chain_id: int, sender: str) -> Sequence[SigningRequest]:
    """Return `sender`'s signed or sent (not yet mined) requests in nonce order."""
    return session.scalars(
        select(SigningRequest)
        .where(
            SigningRequest.chain_id == chain_id,
            SigningRequest.sender == sender,
            SigningRequest.state.in_(OPEN_STATES),
            SigningRequest.nonce.is_not(None),
        )
        .order_by(SigningRequest.nonce)
    ).all()


def take_over_stale(session: Session, request_id: str, seen_updated_at: int, now: int) -> bool:
    """Claim an abandoned `received` request for a re-run; False if someone else moved it."""
    result = session.execute(
        update(SigningRequest)
        .where(
            SigningRequest.id == request_id,
            SigningRequest.state == "received",
            SigningRequest.updated_at == seen_updated_at,
        )
        .values(updated_at=now)
    )
    return bool(getattr(result, "rowcount", 0))


def delete_unsigned_request(session: Session, request_id: str) -> None:
    """Forget a request only while it is `received` (no signed transaction stored)."""
    session.execute(
        delete(SigningRequest).where(
            SigningRequest.id == request_id, SigningRequest.state == "received"
        )
    )


def delete_request(session: Session, request_id: str) -> None:
    """Forget a request that never got a nonce (so a client retry runs it afresh)."""
    session.execute(delete(SigningRequest).where(SigningRequest.id == request_id))


# ---------------------------------------------------------------------- audit
def add_audit(session: Session, entry: SigningAudit) -> None:
    """Append one audit line."""
    session.add(entry)


def audit_lines(session: Session, limit: int = 100) -> Sequence[SigningAudit]:
    """Return the latest audit lines, newest first."""
    return session.scalars(select(SigningAudit).order_by(SigningAudit.id.desc()).limit(limit)).all()
