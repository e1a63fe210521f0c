"""POST /v1/references (any valid API token), GET /v1/references/{reference_hash} (public)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from registry_node.common.deps import DbSession
from registry_node.common.types import Hash32
from registry_node.reference import service
from registry_node.reference.schemas import ReferenceIn, ReferenceOut
from registry_node.tx.endpoints import PrincipalDep

router = APIRouter(prefix="/v1/references", tags=["references"])


@router.post(
    "",
    response_model=ReferenceOut,
    status_code=201,
    summary="Store a court case reference; returns the referenceHash to retire with",
    responses={
        200: {"description": "The same text was stored before", "model": ReferenceOut},
        401: {"description": "Missing, unknown, expired or revoked token"},
        503: {"description": "The node runs without its signing service (no token store)"},
    },
)
def create_reference(
    session: DbSession, body: ReferenceIn, response: Response, _: PrincipalDep
) -> ReferenceOut:
    """Store the text (the preimage) and return keccak256 of its UTF-8 bytes: pass it as
    `reference_hash` of an ECOLOGICAL_COMPENSATION retirement, whose certificate then shows the
    text as verified. Needs an API token (`Authorization: Bearer rnt_...`, any token, read-only
    included): stored text is shown on public pages. Idempotent: the same text answers 200 with
    the stored row."""
    out, created = service.store(session, body)
    if not created:
        response.status_code = 200
    return out


@router.get("/{reference_hash}", response_model=ReferenceOut, summary="A stored reference")
def get_reference(
    session: DbSession,
    reference_hash: Annotated[Hash32, Path(description="0x keccak256 hash (66 characters)")],
) -> ReferenceOut:
    """Return the stored text whose keccak256 is `reference_hash`."""
    return service.get(session, reference_hash)
