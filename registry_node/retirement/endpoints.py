"""GET /v1/retirements, /v1/certificates, /v1/cancellations."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from registry_node.common.deps import DbSession
from registry_node.common.enums import CancellationKind, RetirementPurpose, names
from registry_node.common.pagination import Page, Paging
from registry_node.common.types import Address, Id
from registry_node.retirement import service
from registry_node.retirement.schemas import CancellationOut, CertificateOut, RetirementOut

router = APIRouter(tags=["retirements"])

Serial = Annotated[int, Path(ge=1, le=2**256 - 1, description="Certificate number (a serial)")]


@router.get("/v1/retirements", response_model=Page[RetirementOut], summary="List retirements")
def list_retirements(
    session: DbSession,
    page: Paging,
    beneficiary: Annotated[Address | None, Query()] = None,
    holder: Annotated[Address | None, Query()] = None,
    purpose: Annotated[str | None, Query(description=names(RetirementPurpose))] = None,
    event_id: Annotated[Id | None, Query()] = None,
    batch_id: Annotated[Id | None, Query()] = None,
) -> Page[RetirementOut]:
    """List retirements by certificate number, filtered by beneficiary, purpose, event..."""
    return service.search(
        session,
        page,
        beneficiary=beneficiary,
        holder=holder,
        purpose=purpose,
        event_id=event_id,
        batch_id=batch_id,
    )


@router.get(
    "/v1/retirements/{certificate_id}", response_model=RetirementOut, summary="One retirement"
)
def get_retirement(session: DbSession, certificate_id: Serial) -> RetirementOut:
    """Return one retirement by certificate number."""
    return service.get(session, certificate_id)


@router.get(
    "/v1/certificates/{certificate_id}",
    response_model=CertificateOut,
    summary="Retirement certificate",
)
def get_certificate(session: DbSession, certificate_id: Serial) -> CertificateOut:
    """Return a retirement certificate with batch, project and methodology provenance."""
    return service.certificate(session, certificate_id)


@router.get("/v1/cancellations", response_model=Page[CancellationOut], summary="List cancellations")
def list_cancellations(
    session: DbSession,
    page: Paging,
    batch_id: Annotated[Id | None, Query()] = None,
    kind: Annotated[str | None, Query(description=names(CancellationKind))] = None,
    holder: Annotated[Address | None, Query()] = None,
) -> Page[CancellationOut]:
    """List cancellations by id."""
    return service.cancellations(session, page, batch_id, kind, holder)


@router.get(
    "/v1/cancellations/{cancellation_id}",
    response_model=CancellationOut,
    summary="One cancellation",
)
def get_cancellation(
    session: DbSession,
    cancellation_id: Annotated[int, Path(ge=1, le=2**256 - 1)],
) -> CancellationOut:
    """Return one cancellation."""
    return service.get_cancellation(session, cancellation_id)
