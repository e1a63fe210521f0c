"""SQL for batches, balances and supply."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, func, select
from sqlalchemy.orm import Session

from carbon_chain.domain import LockStatus
from registry_node.common.pagination import PageParams
from registry_node.common.repo import paged
from registry_node.db import Uint256
from registry_node.models.index import Balance, Batch, Lock


def _held() -> Any:
    return (
        select(func.coalesce(func.sum(Balance.amount), 0, type_=Uint256()))
        .where(Balance.batch_id == Batch.batch_id)
        .scalar_subquery()
    )


def _locked() -> Any:
    return (
        select(func.coalesce(func.sum(Lock.amount), 0, type_=Uint256()))
        .where(Lock.batch_id == Batch.batch_id, Lock.status == int(LockStatus.LOCKED))
        .scalar_subquery()
    )


def get(session: Session, batch_id: int) -> Row[Batch, int, int] | None:
    """Return (batch, held, locked)."""
    stmt = select(Batch, _held(), _locked()).where(Batch.batch_id == batch_id)
    return session.execute(stmt).first()


def search(
    session: Session,
    page: PageParams,
    project_id: int | None,
    report_id: int | None,
    vintage: int | None,
) -> Sequence[Row[Batch, int, int]]:
    """Return (batch, held, locked) rows matching the filters, by id."""
    stmt = select(Batch, _held(), _locked()).order_by(Batch.batch_id)
    if project_id is not None:
        stmt = stmt.where(Batch.project_id == project_id)
    if report_id is not None:
        stmt = stmt.where(Batch.report_id == report_id)
    if vintage is not None:
        stmt = stmt.where(Batch.vintage == vintage)
    return session.execute(paged(stmt, page)).all()


def holders(session: Session, batch_id: int, page: PageParams) -> Sequence[Row[str, int]]:
    """Return (holder, amount) with a positive balance, by address."""
    stmt = (
        select(Balance.holder, Balance.amount)
        .where(Balance.batch_id == batch_id, Balance.amount > 0)
        .order_by(Balance.holder)
    )
    return session.execute(paged(stmt, page)).all()


def containing_serial(session: Session, serial: int) -> Row[Batch, int, int] | None:
    """Return (batch, held, locked) of the batch whose serial block holds `serial`."""
    stmt = (
        select(Batch, _held(), _locked())
        .where(Batch.serial_start <= serial)
        .order_by(Batch.serial_start.desc())
        .limit(1)
    )
    row = session.execute(stmt).first()
    if row is None or serial >= row[0].serial_start + row[0].quantity:
        return None
    return row
