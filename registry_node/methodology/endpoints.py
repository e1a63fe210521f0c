"""GET /v1/methodologies."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from registry_node.common.deps import DbSession
from registry_node.common.enums import MethodologyKind, MethodologyStatus, names
from registry_node.common.pagination import Page, Paging
from registry_node.common.types import Id
from registry_node.methodology import service
from registry_node.methodology.schemas import MethodologyOut

router = APIRouter(prefix="/v1/methodologies", tags=["methodologies"])


@router.get("", response_model=Page[MethodologyOut], summary="List methodologies")
def list_methodologies(
    session: DbSession,
    page: Paging,
    kind: Annotated[str | None, Query(description=names(MethodologyKind))] = None,
    status: Annotated[str | None, Query(description=names(MethodologyStatus))] = None,
    sector: Annotated[str | None, Query(max_length=64)] = None,
    code: Annotated[str | None, Query(max_length=64)] = None,
) -> Page[MethodologyOut]:
    """List methodologies by id, optionally filtered."""
    return service.search(session, page, kind, status, sector, code)


@router.get("/{methodology_id}", response_model=MethodologyOut, summary="One methodology")
def get_methodology(session: DbSession, methodology_id: Annotated[Id, Path()]) -> MethodologyOut:
    """Return one methodology by on-chain id."""
    return service.get(session, methodology_id)
