"""Personal points: GET /v1/accounts/{address}/points, GET /v1/redemptions, and the issuer's
POST /v1/points/expiry-sweep."""

from __future__ import annotations

import functools
from typing import Annotated, Any

import anyio
import anyio.to_thread
from fastapi import APIRouter, Body, Path, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from registry_node.common.deps import DbSession
from registry_node.common.pagination import Page, Paging
from registry_node.common.types import Address
from registry_node.errors import Forbidden
from registry_node.points import service
from registry_node.points.schemas import PointsOut, RedemptionOut, SweepOut
from registry_node.points.sweep import OP, ExpirySweep
from registry_node.tx.auth import may_sign
from registry_node.tx.endpoints import AuditedRoute, PrincipalDep, ServiceDep

router = APIRouter(tags=["points"])
# The sweep signs: it leaves a line in the signing audit trail like every /v1/tx request.
_signing = APIRouter(tags=["points"], route_class=AuditedRoute)

_SWEEP_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "Missing, unknown, expired or revoked token"},
    403: {"description": "The token (or its key's role) may not sign cancel_expired"},
    503: {"description": "Chain RPC or signer unavailable; a re-run resumes safely"},
}


@router.get("/v1/accounts/{address}/points", response_model=PointsOut, summary="A citizen's points")
def get_points(session: DbSession, page: Paging, address: Annotated[Address, Path()]) -> PointsOut:
    """Return a citizen's personal points per batch with expiry (ISO and unix, expired flag
    at the index's chain time) and a page of their history: claims, transfers to the
    aggregator, redemptions and expiry cancellations, newest first."""
    return service.points(session, address, page)


@router.get("/v1/redemptions", response_model=Page[RedemptionOut], summary="List redemptions")
def list_redemptions(
    session: DbSession,
    page: Paging,
    citizen: Annotated[Address | None, Query(description="Only this citizen's")] = None,
) -> Page[RedemptionOut]:
    """List points redemptions by id, optionally of one citizen."""
    return service.redemptions(session, page, citizen)


class SweepRequest(BaseModel):
    """Options of an expiry sweep."""

    model_config = ConfigDict(extra="forbid", strict=True)
    dry_run: bool = Field(default=False, description="Only report what would be cancelled")


@_signing.post(
    "/v1/points/expiry-sweep",
    response_model=SweepOut,
    summary="Cancel expired points (issuer)",
    responses=_SWEEP_ERRORS,
)
async def expiry_sweep(
    request: Request,
    signing: ServiceDep,
    principal: PrincipalDep,
    body: Annotated[SweepRequest | None, Body()] = None,
) -> SweepOut:
    """Find holders of expired points batches (index, then the chain's balances) and cancel
    their balances with `cancel_expired` in transactions of at most 200 holders, signed with
    the token's key; a re-run with nothing left sends nothing."""
    request.state.tx_op = "expiry-sweep"
    why = may_sign(principal, OP, signing.keyring)
    if why is not None:
        raise Forbidden(why, op=OP)
    dry_run = body.dry_run if body is not None else False
    sweep = ExpirySweep(signing)
    limiter: anyio.CapacityLimiter = request.app.state.tx_limiter
    run = functools.partial(sweep.run, principal, dry_run)
    result: SweepOut = await anyio.to_thread.run_sync(run, limiter=limiter)
    request.state.tx_outcome = "swept" if not dry_run else "dry_run"
    return result


router.include_router(_signing)
