"""GET /v1/claims/{address}: Merkle proofs for an account's allocations."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request

from registry_node.claim import service
from registry_node.claim.schemas import ClaimProofOut
from registry_node.common.deps import DbSession
from registry_node.common.types import Address

router = APIRouter(prefix="/v1/claims", tags=["claims"])
_TREES = service.TreeCache()


@router.get("/{address}", response_model=list[ClaimProofOut], summary="Claim proofs")
def get_claim_proofs(
    request: Request, session: DbSession, address: Annotated[Address, Path()]
) -> list[ClaimProofOut]:
    """Return the account's allocations with Merkle proofs, from the published datasets."""
    root = request.app.state.settings.datasets_dir
    return service.proofs(session, _TREES, root, address)
