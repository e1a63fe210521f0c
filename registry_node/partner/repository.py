"""SQL for credit imports."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Row, func, select
from sqlalchemy.orm import Session

from registry_node.common.pagination import PageParams
from registry_node.common.repo import paged
from registry_node.models.index import Account, CreditImport


def get(session: Session, import_id: int) -> Row[CreditImport, Account | None] | None:
    """Return (import, partner account) of one import."""
    stmt = (
        select(CreditImport, Account)
        .outerjoin(Account, Account.address == CreditImport.partner)
        .where(CreditImport.import_id == import_id)
    )
    return session.execute(stmt).first()


def search(
    session: Session,
    page: PageParams,
    partner: str | None,
    project_id: int | None,
    batch_id: int | None,
) -> Sequence[Row[CreditImport, Account | None]]:
    """Return (import, partner account) rows matching the filters, by import id."""
    stmt = (
        select(CreditImport, Account)
        .outerjoin(Account, Account.address == CreditImport.partner)
        .order_by(CreditImport.import_id)
    )
    if partner is not None:
        stmt = stmt.where(CreditImport.partner == partner)
    if project_id is not None:
        stmt = stmt.where(CreditImport.project_id == project_id)
    if batch_id is not None:
        stmt = stmt.where(CreditImport.batch_id == batch_id)
    return session.execute(paged(stmt, page)).all()


def previous_start(session: Session, partner: str, start: int) -> int:
    """Return the start of `partner`'s imported origin range just below `start` (0 if none)."""
    stmt = select(func.max(CreditImport.origin_serial_start)).where(
        CreditImport.partner == partner, CreditImport.origin_serial_start < start
    )
    found = session.execute(stmt).scalar()
    return int(found) if found is not None else 0
