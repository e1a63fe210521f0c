"""GET /v1/reports."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from registry_node.common.deps import DbSession
from registry_node.common.enums import ReportStatus, names
from registry_node.common.pagination import Page, Paging
from registry_node.common.types import Id
from registry_node.report import service
from registry_node.report.schemas import ReportOut

router = APIRouter(prefix="/v1/reports", tags=["reports"])


@router.get("", response_model=Page[ReportOut], summary="List reports")
def list_reports(
    session: DbSession,
    page: Paging,
    project_id: Annotated[Id | None, Query()] = None,
    status: Annotated[str | None, Query(description=names(ReportStatus))] = None,
) -> Page[ReportOut]:
    """List reports by id, filtered by project or status."""
    return service.search(session, page, project_id, status)


@router.get("/{report_id}", response_model=ReportOut, summary="One report")
def get_report(session: DbSession, report_id: Annotated[Id, Path()]) -> ReportOut:
    """Return one report."""
    return service.get(session, report_id)
