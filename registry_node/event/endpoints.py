"""GET /v1/events."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from registry_node.common.deps import DbSession
from registry_node.common.pagination import Page, Paging
from registry_node.common.types import Address, Id
from registry_node.event import service
from registry_node.event.schemas import EventOut, NeutralityCertificateOut

router = APIRouter(prefix="/v1/events", tags=["events"])


@router.get("", response_model=Page[EventOut], summary="List large events")
def list_events(
    session: DbSession,
    page: Paging,
    organiser: Annotated[Address | None, Query()] = None,
    neutralised: Annotated[bool | None, Query()] = None,
) -> Page[EventOut]:
    """List events by id, filtered by organiser or neutrality."""
    return service.search(session, page, organiser, neutralised)


@router.get("/{event_id}", response_model=EventOut, summary="One event and its neutrality")
def get_event(session: DbSession, event_id: Annotated[Id, Path()]) -> EventOut:
    """Return an event with retired, outstanding and neutral status."""
    return service.get(session, event_id)


@router.get(
    "/{event_id}/certificate",
    response_model=NeutralityCertificateOut,
    summary="Carbon-neutrality certificate",
)
def get_certificate(
    session: DbSession, event_id: Annotated[Id, Path()]
) -> NeutralityCertificateOut:
    """Return the event's neutrality status and every retirement against it."""
    return service.certificate(session, event_id)
