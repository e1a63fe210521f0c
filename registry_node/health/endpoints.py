"""GET /health: head, indexed block, lag, head age, indexer state."""

from __future__ import annotations

import time

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy import select

from registry_node.common.deps import DbSession
from registry_node.models.index import IndexCursor

router = APIRouter(tags=["health"])


class Health(BaseModel):
    """What an operator or load balancer needs to know."""

    status: str = Field(description="ok | lagging | degraded (RPC down) | halted")
    chain_id: int | None = Field(description="Chain id of the indexed deployment")
    head: int | None = Field(description="Latest block on the RPC (null if unreachable)")
    head_age: int | None = Field(description="Seconds since the head block's timestamp")
    indexed_block: int | None = Field(description="Last block whose logs are applied")
    confirmations: int = Field(description="Blocks kept back from the head")
    lag: int | None = Field(description="head - confirmations - indexed_block")
    indexer: str = Field(description="in-process | external | halted: <reason>")
    rpc_error: str | None = Field(description="Last RPC error seen by /health, if any")


@router.get("/health", response_model=Health, summary="Node and indexer health")
def health(request: Request, response: Response, session: DbSession) -> Health:
    """Report head, indexed block and lag; 503 when the indexer halted."""
    settings = request.app.state.settings
    chain = request.app.state.chain
    cursor = session.execute(select(IndexCursor)).scalar_one_or_none()
    head = chain.head()
    indexer = request.app.state.indexer
    state = "external"
    if indexer is not None:
        state = f"halted: {indexer.halted}" if indexer.halted else "in-process"
    indexed = cursor.block_number if cursor else None
    lag = None
    if head is not None and indexed is not None:
        lag = max(0, head.number - settings.confirmations - indexed)
    status = "ok"
    if head is None:
        status = "degraded"
    elif lag is None or lag > 10:
        status = "lagging"
    if indexer is not None and indexer.halted:
        status = "halted"
        response.status_code = 503
    return Health(
        status=status,
        chain_id=cursor.chain_id if cursor else None,
        head=head.number if head else None,
        head_age=max(0, int(time.time()) - head.timestamp) if head else None,
        indexed_block=indexed,
        confirmations=settings.confirmations,
        lag=lag,
        indexer=state,
        rpc_error=chain.error,
    )
