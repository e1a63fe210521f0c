"""Project queries."""

from __future__ import annotations

from enum import IntEnum

from sqlalchemy.orm import Session

from registry_node.common.enums import ProjectStatus, name_of, parse_name
from registry_node.common.pagination import Page, PageParams
from registry_node.errors import NotFound
from registry_node.models.index import Project
from registry_node.project import repository
from registry_node.project.schemas import ProjectOut, StatusChangeOut


def to_out(row: Project) -> ProjectOut:
    """Build the response model."""
    return ProjectOut(
        project_id=row.project_id,
        methodology_id=row.methodology_id,
        proponent=row.proponent,
        region=row.region,
        status=name_of(ProjectStatus, row.status),
        notice_ends_at=row.notice_ends_at,
        metadata_hash=row.metadata_hash,
        metadata_uri=row.metadata_uri,
        block_number=row.block_number,
        tx_hash=row.tx_hash,
    )


def history(
    session: Session, subject: str, subject_id: str, enum: type[IntEnum]
) -> list[StatusChangeOut]:
    """Return the status history of an account, methodology, project or report."""
    return [
        StatusChangeOut(
            previous=name_of(enum, c.previous),
            status=name_of(enum, c.status),
            reason=c.reason,
            block_number=c.block_number,
            tx_hash=c.tx_hash,
        )
        for c in repository.history(session, subject, subject_id)
    ]


def get(session: Session, project_id: int) -> ProjectOut:
    """Return one project with its status history.

    Raises:
        NotFound: no such project indexed.
    """
    row = repository.get(session, project_id)
    if row is None:
        raise NotFound(f"project {project_id} not found", field="project_id")
    out = to_out(row)
    out.history = history(session, "project", str(project_id), ProjectStatus)
    return out


def search(
    session: Session,
    page: PageParams,
    status: str | None,
    region: int | None,
    methodology_id: int | None,
    proponent: str | None,
) -> Page[ProjectOut]:
    """Return a page of projects.

    Raises:
        Invalid: unknown status name.
    """
    code = parse_name(ProjectStatus, status, "status")
    rows = repository.search(session, page, code, region, methodology_id, proponent)
    return Page[ProjectOut].build([to_out(r) for r in rows], page)
