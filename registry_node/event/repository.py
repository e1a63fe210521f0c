"""SQL for events."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry_node.common.pagination import PageParams
from registry_node.common.repo import paged
from registry_node.models.index import CarbonEvent, Retirement

MAX_CERTIFICATE_ROWS = 10_000


def get(session: Session, event_id: int) -> CarbonEvent | None:
    """Return one event."""
    return session.get(CarbonEvent, event_id)


def search(
    session: Session, page: PageParams, organiser: str | None, neutralised: bool | None
) -> Sequence[CarbonEvent]:
    """Return events matching the filters, by id."""
    stmt = select(CarbonEvent).order_by(CarbonEvent.event_id)
    if organiser is not None:
        stmt = stmt.where(CarbonEvent.organiser == organiser)
    if neutralised is not None:
        stmt = stmt.where(CarbonEvent.neutralised == neutralised)
    return session.execute(paged(stmt, page)).scalars().all()


def retirements(session: Session, event_id: int) -> Sequence[Retirement]:
    """Return the retirements against an event in chain order (bounded)."""
    stmt = (
        select(Retirement)
        .where(Retirement.event_id == event_id)
        .order_by(Retirement.block_number, Retirement.log_index)
        .limit(MAX_CERTIFICATE_ROWS)
    )
    return session.execute(stmt).scalars().all()
