"""SQL for accounts and balances."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from registry_node.common.pagination import PageParams
from registry_node.common.repo import paged
from registry_node.models.index import Account, Balance, Batch, EventLog


def get(session: Session, address: str) -> Account | None:
    """Return one account."""
    return session.get(Account, address)


def search(
    session: Session,
    page: PageParams,
    kind: int | None,
    status: int | None,
    region: int | None,
) -> Sequence[Account]:
    """Return accounts matching the filters, by address."""
    stmt = select(Account).order_by(Account.address)
    if kind is not None:
        stmt = stmt.where(Account.kind == kind)
    if status is not None:
        stmt = stmt.where(Account.status == status)
    if region is not None:
        stmt = stmt.where(Account.region == region)
    return session.execute(paged(stmt, page)).scalars().all()


def balances(session: Session, address: str, page: PageParams) -> Sequence[Row[int, int, int, int]]:
    """Return (batch_id, project_id, vintage, amount) of positive balances, by batch."""
    stmt = (
        select(Balance.batch_id, Batch.project_id, Batch.vintage, Balance.amount)
        .join(Batch, Batch.batch_id == Balance.batch_id)
        .where(Balance.holder == address, Balance.amount > 0)
        .order_by(Balance.batch_id)
    )
    return session.execute(paged(stmt, page)).all()


def activity(session: Session, address: str, limit: int) -> Sequence[EventLog]:
    """Return the newest logs whose decoded arguments name `address` (checksummed), newest first.

    The match is on the stored JSON text, so it also finds the address as operator,
    beneficiary or organiser; callers show the event name with it.
    """
    stmt = (
        select(EventLog)
        .where(EventLog.args.contains(f'"{address}"', autoescape=True))
        .order_by(EventLog.block_number.desc(), EventLog.log_index.desc())
        .limit(limit)
    )
    return session.execute(stmt).scalars().all()
