"""SQL for accounts and balances."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from registry_node.common.pagination import PageParams
from registry_node.common.repo import paged
from registry_node.models.index import Account, Balance, Batch


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
