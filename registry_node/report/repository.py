"""SQL for reports."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry_node.common.pagination import PageParams
from registry_node.common.repo import paged
from registry_node.models.index import Report


def get(session: Session, report_id: int) -> Report | None:
    """Return one report."""
    return session.get(Report, report_id)


def search(
    session: Session, page: PageParams, project_id: int | None, status: int | None
) -> Sequence[Report]:
    """Return reports matching the filters, by id."""
    stmt = select(Report).order_by(Report.report_id)
    if project_id is not None:
        stmt = stmt.where(Report.project_id == project_id)
    if status is not None:
        stmt = stmt.where(Report.status == status)
    return session.execute(paged(stmt, page)).scalars().all()
