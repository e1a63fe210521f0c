"""SQL for methodologies."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry_node.common.pagination import PageParams
from registry_node.common.repo import paged
from registry_node.models.index import Methodology


def get(session: Session, methodology_id: int) -> Methodology | None:
    """Return one methodology."""
    return session.get(Methodology, methodology_id)


def search(
    session: Session,
    page: PageParams,
    kind: int | None,
    status: int | None,
    sector: str | None,
    code: str | None,
) -> Sequence[Methodology]:
    """Return methodologies matching the filters, by id."""
    stmt = select(Methodology).order_by(Methodology.methodology_id)
    if kind is not None:
        stmt = stmt.where(Methodology.kind == kind)
    if status is not None:
        stmt = stmt.where(Methodology.status == status)
    if sector is not None:
        stmt = stmt.where(Methodology.sector == sector)
    if code is not None:
        stmt = stmt.where(Methodology.code == code)
    return session.execute(paged(stmt, page)).scalars().all()
