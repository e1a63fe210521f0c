"""GET /v1/projects."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from registry_node.common.deps import DbSession
from registry_node.common.enums import ProjectStatus, names
from registry_node.common.pagination import Page, Paging
from registry_node.common.types import Address, Id
from registry_node.project import service
from registry_node.project.schemas import ProjectOut

router = APIRouter(prefix="/v1/projects", tags=["projects"])


@router.get("", response_model=Page[ProjectOut], summary="List projects")
def list_projects(
    session: DbSession,
    page: Paging,
    status: Annotated[str | None, Query(description=names(ProjectStatus))] = None,
    region: Annotated[int | None, Query(ge=100000, le=999999, description="GB/T 2260")] = None,
    methodology_id: Annotated[Id | None, Query()] = None,
    proponent: Annotated[Address | None, Query(description="Proponent address")] = None,
) -> Page[ProjectOut]:
    """List projects by id, filtered by status, region, methodology or proponent."""
    return service.search(session, page, status, region, methodology_id, proponent)


@router.get("/{project_id}", response_model=ProjectOut, summary="One project")
def get_project(session: DbSession, project_id: Annotated[Id, Path()]) -> ProjectOut:
    """Return one project with its status history."""
    return service.get(session, project_id)
