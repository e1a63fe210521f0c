"""SQL for reference preimages."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry_node.reference.models import ReferencePreimage


def get(session: Session, reference_hash: str) -> ReferencePreimage | None:
    """Return the stored preimage of a (lower-case 0x) hash."""
    return session.get(ReferencePreimage, reference_hash)


def many(session: Session, hashes: Iterable[str]) -> Sequence[ReferencePreimage]:
    """Return the stored preimages of several hashes."""
    wanted = sorted(set(hashes))
    if not wanted:
        return []
    stmt = select(ReferencePreimage).where(ReferencePreimage.reference_hash.in_(wanted))
    return session.execute(stmt).scalars().all()


def add(session: Session, row: ReferencePreimage) -> None:
    """Stage a new preimage (the request commits)."""
    session.add(row)
    session.flush()
