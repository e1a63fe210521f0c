"""Event queries."""

from __future__ import annotations

from sqlalchemy.orm import Session

from registry_node.common.pagination import Page, PageParams
from registry_node.common.types import Amount
from registry_node.errors import NotFound
from registry_node.event import repository
from registry_node.event.schemas import EventOut, NeutralityCertificateOut
from registry_node.models.index import CarbonEvent
from registry_node.plan.schemas import PairedShareOut
from registry_node.retirement.service import outs as retirement_outs


def to_out(row: CarbonEvent) -> EventOut:
    """Build the response model."""
    return EventOut(
        event_id=row.event_id,
        organiser=row.organiser,
        name=row.name,
        region=row.region,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        footprint=Amount.of(row.footprint),
        evidence_hash=row.evidence_hash,
        retired=Amount.of(row.retired),
        outstanding=Amount.of(max(0, row.footprint - row.retired)),
        neutralised=row.neutralised,
        neutralised_block=row.neutralised_block,
        block_number=row.block_number,
        tx_hash=row.tx_hash,
    )


def get(session: Session, event_id: int) -> EventOut:
    """Return one event.

    Raises:
        NotFound: no such event indexed.
    """
    row = repository.get(session, event_id)
    if row is None:
        raise NotFound(f"event {event_id} not found", field="event_id")
    return to_out(row)


def search(
    session: Session, page: PageParams, organiser: str | None, neutralised: bool | None
) -> Page[EventOut]:
    """Return a page of events."""
    rows = repository.search(session, page, organiser, neutralised)
    return Page[EventOut].build([to_out(r) for r in rows], page)


def certificate(session: Session, event_id: int) -> NeutralityCertificateOut:
    """Return the event with the retirements that (may) make it carbon-neutral.

    Raises:
        NotFound: no such event indexed.
    """
    event = get(session, event_id)
    rows = retirement_outs(session, repository.retirements(session, event_id))
    total = sum(int(r.amount.grams) for r in rows)
    paired = sum(int(r.amount.grams) for r in rows if r.paired_assistance)
    return NeutralityCertificateOut(
        event=event, retirements=rows, paired_assistance=PairedShareOut.of(paired, total)
    )
