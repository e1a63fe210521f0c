"""GET /v1/imports: batches imported from partner platforms."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from registry_node.common.deps import DbSession
from registry_node.common.pagination import Page, Paging
from registry_node.common.types import Address, Id
from registry_node.partner import service
from registry_node.partner.schemas import ImportOut

router = APIRouter(prefix="/v1/imports", tags=["imports"])


@router.get("", response_model=Page[ImportOut], summary="List credit imports")
def list_imports(
    session: DbSession,
    page: Paging,
    partner: Annotated[Address | None, Query(description="Partner platform account")] = None,
    project_id: Annotated[Id | None, Query(description="Project here")] = None,
    batch_id: Annotated[Id | None, Query(description="Batch minted here")] = None,
) -> Page[ImportOut]:
    """List imports by id, filtered by partner, project or batch."""
    return service.search(session, page, partner, project_id, batch_id)


@router.get("/{import_id}", response_model=ImportOut, summary="One credit import")
def get_import(session: DbSession, import_id: Annotated[Id, Path()]) -> ImportOut:
    """Return one import with its origin (partner, origin serials) and attestation digest."""
    return service.get(session, import_id)
