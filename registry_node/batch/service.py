"""Batch and supply queries."""

from __future__ import annotations

from sqlalchemy.orm import Session

from registry_node.batch import repository
from registry_node.batch.schemas import BatchOut, HolderOut, SupplyOut
from registry_node.common.enums import MethodologyKind, name_of
from registry_node.common.pagination import Page, PageParams
from registry_node.common.types import Amount
from registry_node.errors import NotFound
from registry_node.models.index import Batch


def unclaimed(batch: Batch) -> int:
    """Return the Merkle remainder still claimable (the contract's `unclaimedOf`)."""
    if batch.claim_deadline == 0 or batch.distribution_closed:
        return 0
    return batch.quantity - batch.buffer_amount - batch.claimed


def to_out(batch: Batch, held: int, locked: int) -> BatchOut:
    """Build the response model."""
    supply = SupplyOut(
        issued=Amount.of(batch.quantity),
        held=Amount.of(held),
        retired=Amount.of(batch.retired),
        cancelled=Amount.of(batch.cancelled),
        unclaimed=Amount.of(unclaimed(batch)),
        claimed=Amount.of(batch.claimed),
        locked=Amount.of(locked),
    )
    return BatchOut(
        batch_id=batch.batch_id,
        report_id=batch.report_id,
        project_id=batch.project_id,
        kind=name_of(MethodologyKind, batch.kind),
        recipient=batch.recipient,
        vintage=batch.vintage,
        serial_start=str(batch.serial_start),
        quantity=Amount.of(batch.quantity),
        buffer_amount=Amount.of(batch.buffer_amount),
        claim_deadline=batch.claim_deadline,
        expires_at=batch.expires_at,
        merkle_root=batch.merkle_root,
        distribution_closed=batch.distribution_closed,
        supply=supply,
        block_number=batch.block_number,
        tx_hash=batch.tx_hash,
    )


def get(session: Session, batch_id: int) -> BatchOut:
    """Return one batch with its supply.

    Raises:
        NotFound: no such batch indexed.
    """
    row = repository.get(session, batch_id)
    if row is None:
        raise NotFound(f"batch {batch_id} not found", field="batch_id")
    batch, held, locked = row
    return to_out(batch, held, locked)


def search(
    session: Session,
    page: PageParams,
    project_id: int | None,
    report_id: int | None,
    vintage: int | None,
) -> Page[BatchOut]:
    """Return a page of batches with supply."""
    rows = repository.search(session, page, project_id, report_id, vintage)
    return Page[BatchOut].build([to_out(b, h, lk) for b, h, lk in rows], page)


def holders(session: Session, batch_id: int, page: PageParams) -> Page[HolderOut]:
    """Return the holders of a batch.

    Raises:
        NotFound: no such batch indexed.
    """
    get(session, batch_id)
    rows = repository.holders(session, batch_id, page)
    return Page[HolderOut].build([HolderOut(holder=h, balance=Amount.of(a)) for h, a in rows], page)


def containing_serial(session: Session, serial: int) -> BatchOut | None:
    """Return the batch whose serial block [serial_start, serial_start + quantity) holds it."""
    row = repository.containing_serial(session, serial)
    if row is None:
        return None
    batch, held, locked = row
    return to_out(batch, held, locked)
