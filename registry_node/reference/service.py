"""Store reference preimages and resolve on-chain reference hashes to them."""

from __future__ import annotations

import time
from collections.abc import Iterable

from eth_utils.crypto import keccak
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from registry_node.errors import Invalid, NotFound
from registry_node.reference import repository
from registry_node.reference.models import ReferencePreimage
from registry_node.reference.schemas import CaseOut, ReferenceIn, ReferenceOut


def reference_hash(text: str) -> str:
    """Return keccak256 of the text's UTF-8 bytes as lower-case 0x hex.

    Raises:
        Invalid: the text holds lone surrogates (not encodable as UTF-8).
    """
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        raise Invalid("text must be valid Unicode", field="text") from None
    return "0x" + keccak(data).hex()


def _out(row: ReferencePreimage) -> ReferenceOut:
    return ReferenceOut(
        reference_hash=row.reference_hash, kind=row.kind, text=row.text, created_at=row.created_at
    )


def store(session: Session, body: ReferenceIn) -> tuple[ReferenceOut, bool]:
    """Store a preimage (idempotent: the same text returns the stored row); True when new."""
    digest = reference_hash(body.text)
    found = repository.get(session, digest)
    if found is not None:
        return _out(found), False
    row = ReferencePreimage(
        reference_hash=digest, kind=body.kind, text=body.text, created_at=int(time.time())
    )
    try:
        with session.begin_nested():
            repository.add(session, row)
    except IntegrityError:  # a concurrent request stored the same text first
        found = repository.get(session, digest)
        if found is None:
            raise
        return _out(found), False
    return _out(row), True


def get(session: Session, digest: str) -> ReferenceOut:
    """Return a stored preimage.

    Raises:
        NotFound: this node holds no preimage of the hash.
    """
    row = repository.get(session, digest)
    if row is None:
        raise NotFound(f"no stored reference has hash {digest}", field="reference_hash")
    return _out(row)


def cases(session: Session, hashes: Iterable[str]) -> dict[str, CaseOut]:
    """Return the case of each on-chain hash: verified text when a stored preimage matches."""
    wanted = {h.lower() for h in hashes}
    stored = {r.reference_hash: r for r in repository.many(session, wanted)}
    out: dict[str, CaseOut] = {}
    for digest in wanted:
        row = stored.get(digest)
        verified = row is not None and reference_hash(row.text) == digest
        out[digest] = CaseOut(
            reference_hash=digest,
            kind=row.kind if row is not None and verified else None,
            text=row.text if row is not None and verified else None,
            verified=verified,
        )
    return out
