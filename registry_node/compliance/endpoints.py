"""GET /v1/compliance: Hubei compliance years, covered entities, uses and the export file."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from registry_node.common.deps import DbSession
from registry_node.common.pagination import Page, Paging
from registry_node.common.types import Address, Id
from registry_node.compliance import service
from registry_node.compliance.schemas import (
    ComplianceExportOut,
    ComplianceUseOut,
    ComplianceYearOut,
    CoveredEntityOut,
)

router = APIRouter(prefix="/v1/compliance", tags=["compliance"])

Year = Annotated[int, Path(ge=2000, le=2200, description="Compliance year")]


@router.get("/years", response_model=Page[ComplianceYearOut], summary="List compliance years")
def list_years(session: DbSession, page: Paging) -> Page[ComplianceYearOut]:
    """List compliance years by year, with their terms and eligible methodologies."""
    return service.years(session, page)


@router.get("/years/{year}", response_model=ComplianceYearOut, summary="One compliance year")
def get_year(session: DbSession, year: Year) -> ComplianceYearOut:
    """Return one compliance year's terms and eligible methodologies."""
    return service.year(session, year)


@router.get(
    "/years/{year}/entities",
    response_model=Page[CoveredEntityOut],
    summary="Covered entities of a year",
)
def list_entities(
    session: DbSession,
    page: Paging,
    year: Year,
    entity: Annotated[Address | None, Query(description="Only this entity")] = None,
) -> Page[CoveredEntityOut]:
    """List a year's covered entities by address with cap, used (pending + exported) and
    available grams."""
    return service.entities(session, year, page, entity)


@router.get(
    "/years/{year}/export.json",
    response_model=ComplianceExportOut,
    summary="Compliance export file (JSON)",
)
def export_json(session: DbSession, year: Year) -> ComplianceExportOut:
    """The year's export file for the Hubei market: one row per EXPORTED or PENDING use,
    by use id (docs/market.md describes every column)."""
    return service.export(session, year)


@router.get(
    "/years/{year}/export.csv",
    summary="Compliance export file (CSV)",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "CSV, header line first"}},
)
def export_csv(session: DbSession, year: Year) -> Response:
    """The same rows as export.json as CSV (UTF-8, CRLF, header line first)."""
    body = service.export_csv(session, year)
    headers = {"Content-Disposition": f'attachment; filename="hubei-compliance-{year}.csv"'}
    return Response(body, media_type="text/csv; charset=utf-8", headers=headers)


@router.get("/uses", response_model=Page[ComplianceUseOut], summary="List compliance uses")
def list_uses(
    session: DbSession,
    page: Paging,
    year: Annotated[int | None, Query(ge=2000, le=2200, description="Compliance year")] = None,
    entity: Annotated[Address | None, Query(description="Covered entity")] = None,
    status: Annotated[
        str | None, Query(description="PENDING, EXPORTED or RELEASED", max_length=16)
    ] = None,
) -> Page[ComplianceUseOut]:
    """List compliance uses by id, filtered by year, entity or status."""
    return service.uses(session, page, year, entity, status)


@router.get("/uses/{use_id}", response_model=ComplianceUseOut, summary="One compliance use")
def get_use(session: DbSession, use_id: Annotated[Id, Path()]) -> ComplianceUseOut:
    """Return one compliance use."""
    return service.use(session, use_id)
