"""POST /v1/retirement-plans."""

from __future__ import annotations

from fastapi import APIRouter

from registry_node.common.deps import DbSession
from registry_node.plan import service
from registry_node.plan.schemas import PlanIn, PlanOut

ERROR_REF = {"$ref": "#/components/schemas/HTTPValidationError"}
router = APIRouter(prefix="/v1/retirement-plans", tags=["retirement plans"])


@router.post(
    "",
    response_model=PlanOut,
    summary="Plan a retirement, paired-assistance regions first",
    responses={
        404: {
            "description": "Unknown holder (not a registered account) or unknown event",
            "content": {"application/json": {"schema": ERROR_REF}},
        },
        409: {
            "description": "The holder's account is not ACTIVE, or usable holdings do not cover "
            "the amount (the body then says how much is missing)",
            "content": {"application/json": {"schema": ERROR_REF}},
        },
    },
)
def create_plan(session: DbSession, body: PlanIn) -> PlanOut:
    """Fill an amount from the holder's project credits (index balances; personal points and
    batches of suspended projects excluded): batches of paired-assistance regions first (unless
    `priority_first` is false), then the oldest vintage. Nothing is signed or stored: the answer
    lists the exact signing requests (`retire_for_event` with an event, else `retire`) the
    holder's key would send, one per line."""
    return service.plan(session, body)
