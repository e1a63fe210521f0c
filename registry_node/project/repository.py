"""SQL for projects and status histories."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry_node.common.pagination import PageParams
from registry_node.common.repo import paged
from registry_node.models.index import Project, StatusChange


def get(session: Session, project_id: int) -> Project | None:
    """Return one project."""
    return session.get(Project, project_id)


def search(
    session: Session,
    page: PageParams,
    status: int | None,
    region: int | None,
    methodology_id: int | None,
    proponent: str | None,
) -> Sequence[Project]:
    """Return projects matching the filters, by id."""
    stmt = select(Project).order_by(Project.project_id)
    if status is not None:
        stmt = stmt.where(Project.status == status)
    if region is not None:
        stmt = stmt.where(Project.region == region)
    if methodology_id is not None:
        stmt = stmt.where(Project.methodology_id == methodology_id)
    if proponent is not None:
        stmt = stmt.where(Project.proponent == proponent)
    return session.execute(paged(stmt, page)).scalars().all()


def history(session: Session, subject: str, subject_id: str) -> Sequence[StatusChange]:
    """Return the status changes of one subject in chain order."""
    stmt = (
        select(StatusChange)
        .where(StatusChange.subject == subject, StatusChange.subject_id == subject_id)
        .order_by(StatusChange.block_number, StatusChange.log_index)
    )
    return session.execute(stmt).scalars().all()
