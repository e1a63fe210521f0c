"""SQL for retirements, certificates and cancellations."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from registry_node.common.pagination import PageParams
from registry_node.common.repo import paged
from registry_node.models.index import Batch, Cancellation, Methodology, Project, Retirement


def get(session: Session, certificate_id: int) -> Retirement | None:
    """Return one retirement."""
    return session.get(Retirement, certificate_id)


def search(
    session: Session,
    page: PageParams,
    *,
    beneficiary: str | None = None,
    holder: str | None = None,
    purpose: int | None = None,
    event_id: int | None = None,
    batch_id: int | None = None,
) -> Sequence[Retirement]:
    """Return retirements matching the filters, by certificate id."""
    stmt = select(Retirement).order_by(Retirement.certificate_id)
    if beneficiary is not None:
        stmt = stmt.where(Retirement.beneficiary == beneficiary)
    if holder is not None:
        stmt = stmt.where(Retirement.holder == holder)
    if purpose is not None:
        stmt = stmt.where(Retirement.purpose == purpose)
    if event_id is not None:
        stmt = stmt.where(Retirement.event_id == event_id)
    if batch_id is not None:
        stmt = stmt.where(Retirement.batch_id == batch_id)
    return session.execute(paged(stmt, page)).scalars().all()


def certificate(
    session: Session, certificate_id: int
) -> Row[Retirement, Batch, Project, Methodology] | None:
    """Return a retirement with its batch, project and methodology."""
    stmt = (
        select(Retirement, Batch, Project, Methodology)
        .join(Batch, Batch.batch_id == Retirement.batch_id)
        .join(Project, Project.project_id == Batch.project_id)
        .join(Methodology, Methodology.methodology_id == Project.methodology_id)
        .where(Retirement.certificate_id == certificate_id)
    )
    return session.execute(stmt).first()


def provenance(session: Session, batch_ids: Iterable[int]) -> dict[int, tuple[int, int]]:
    """Return batch id -> (project id, project region) for the given batches."""
    wanted = sorted(set(batch_ids))
    if not wanted:
        return {}
    stmt = (
        select(Batch.batch_id, Project.project_id, Project.region)
        .join(Project, Project.project_id == Batch.project_id)
        .where(Batch.batch_id.in_(wanted))
    )
    return {b: (p, r) for b, p, r in session.execute(stmt).all()}


def get_cancellation(session: Session, cancellation_id: int) -> Cancellation | None:
    """Return one cancellation."""
    return session.get(Cancellation, cancellation_id)


def cancellations(
    session: Session,
    page: PageParams,
    batch_id: int | None,
    kind: int | None,
    holder: str | None,
) -> Sequence[Cancellation]:
    """Return cancellations matching the filters, by id."""
    stmt = select(Cancellation).order_by(Cancellation.cancellation_id)
    if batch_id is not None:
        stmt = stmt.where(Cancellation.batch_id == batch_id)
    if kind is not None:
        stmt = stmt.where(Cancellation.kind == kind)
    if holder is not None:
        stmt = stmt.where(Cancellation.holder == holder)
    return session.execute(paged(stmt, page)).scalars().all()


def retirement_containing(session: Session, serial: int) -> Retirement | None:
    """Return the retirement whose serial sub-range holds `serial`."""
    stmt = (
        select(Retirement)
        .where(Retirement.certificate_id <= serial)
        .order_by(Retirement.certificate_id.desc())
        .limit(1)
    )
    row = session.execute(stmt).scalars().first()
    if row is None or serial >= row.certificate_id + row.amount:
        return None
    return row


def cancellation_containing(session: Session, serial: int) -> Cancellation | None:
    """Return the cancellation whose serial sub-range holds `serial`."""
    stmt = (
        select(Cancellation)
        .where(Cancellation.cancellation_id <= serial)
        .order_by(Cancellation.cancellation_id.desc())
        .limit(1)
    )
    row = session.execute(stmt).scalars().first()
    if row is None or serial >= row.cancellation_id + row.amount:
        return None
    return row
