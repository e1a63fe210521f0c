"""Per-account nonce allocation that survives threads, processes and restarts.

Allocation holds two locks: a process-level lock per account (threads of this process queue
here, so the database sees one allocator per account and process) and the account's row in
`signing_nonces` (SELECT ... FOR UPDATE on PostgreSQL; BEGIN IMMEDIATE on SQLite), which orders
several node processes sharing a key. The nonce is committed together with the signed
transaction that uses it, so a crash after the commit leaves a raw transaction to re-broadcast,
never a silent gap (FAULTS rows 17-18).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from registry_node.tx import repository as repo
from registry_node.tx.models import SigningNonce
from registry_node.tx.rpc import RpcClient


class NonceManager:
    """Hands out each account's nonces in order, one holder at a time."""

    def __init__(self, sessions: sessionmaker[Session], rpc: RpcClient, chain_id: int) -> None:
        self._sessions = sessions
        self._rpc = rpc
        self.chain_id = chain_id
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()
        self._rows: set[str] = set()  # accounts known to have a row (rows are never deleted)

    def _lock(self, address: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(address, threading.Lock())

    @contextmanager
    def account(self, address: str) -> Iterator[None]:
        """Hold `address`'s process-level lock (allocation, broadcast and repair run inside)."""
        with self._lock(address):
            yield

    def ensure_row(self, address: str) -> None:
        """Create the account's row from the chain's pending count if it does not exist yet."""
        if address in self._rows:
            return
        with self._sessions() as session:
            if session.get(SigningNonce, (self.chain_id, address)) is not None:
                self._rows.add(address)
                return
        start = self._rpc.nonce(address, "pending")
        try:
            with repo.write(self._sessions) as session:
                if session.get(SigningNonce, (self.chain_id, address)) is None:
                    session.add(
                        SigningNonce(
                            chain_id=self.chain_id,
                            address=address,
                            next_nonce=start,
                            updated_at=int(time.time()),
                        )
                    )
        except IntegrityError:
            pass  # another process created it first
        self._rows.add(address)

    def locked_row(self, session: Session, address: str) -> SigningNonce:
        """Return the account's row, locked (in a `repository.write` transaction)."""
        row = repo.lock_nonce(session, self.chain_id, address)
        if row is None:  # ensure_row was not called: a programming error, not a user error
            raise RuntimeError(f"no nonce row for {address}")
        return row

    def peek(self, address: str) -> int | None:
        """Return the next nonce the node would use (no lock), if the account has a row."""
        with self._sessions() as session:
            row = session.get(SigningNonce, (self.chain_id, address))
            return None if row is None else row.next_nonce
