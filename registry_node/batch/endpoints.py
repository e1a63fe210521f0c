"""GET /v1/batches."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from registry_node.batch import service
from registry_node.batch.schemas import BatchOut, HolderOut, SupplyOut
from registry_node.common.deps import DbSession
from registry_node.common.pagination import Page, Paging
from registry_node.common.types import Id

router = APIRouter(prefix="/v1/batches", tags=["batches"])


@router.get("", response_model=Page[BatchOut], summary="List batches with supply")
def list_batches(
    session: DbSession,
    page: Paging,
    project_id: Annotated[Id | None, Query()] = None,
    report_id: Annotated[Id | None, Query()] = None,
    vintage: Annotated[int | None, Query(ge=2000, le=2200)] = None,
) -> Page[BatchOut]:
    """List batches by id, filtered by project, report or vintage."""
    return service.search(session, page, project_id, report_id, vintage)


@router.get("/{batch_id}", response_model=BatchOut, summary="One batch with supply")
def get_batch(session: DbSession, batch_id: Annotated[Id, Path()]) -> BatchOut:
    """Return one batch and its supply breakdown."""
    return service.get(session, batch_id)


@router.get("/{batch_id}/supply", response_model=SupplyOut, summary="Supply of a batch")
def get_supply(session: DbSession, batch_id: Annotated[Id, Path()]) -> SupplyOut:
    """Return issued, held, retired, cancelled and unclaimed amounts of a batch."""
    return service.get(session, batch_id).supply


@router.get("/{batch_id}/holders", response_model=Page[HolderOut], summary="Holders of a batch")
def get_holders(
    session: DbSession, page: Paging, batch_id: Annotated[Id, Path()]
) -> Page[HolderOut]:
    """Return addresses holding the batch, by address."""
    return service.holders(session, batch_id, page)
