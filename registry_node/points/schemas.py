"""Response models of personal points, redemptions and the expiry sweep."""

from __future__ import annotations

from pydantic import BaseModel, Field

from registry_node.common.types import Amount


class PointsHoldingOut(BaseModel):
    """A citizen's points of one personal-scenario batch."""

    batch_id: int = Field(description="Points batch (ERC-1155 id)")
    project_id: int = Field(description="The personal scenario's project")
    methodology_code: str | None = Field(description="Scenario methodology code")
    vintage: int = Field(description="Vintage year")
    balance: Amount = Field(description="Points held")
    expires_at: int = Field(description="Expiry, unix seconds (0 = never)")
    expires_at_iso: str | None = Field(description="Expiry, ISO 8601 UTC (null = never)")
    expired: bool = Field(description="Expired at the index's chain time (`as_of`)")


class PointsEventOut(BaseModel):
    """One change of a citizen's points."""

    kind: str = Field(
        description="CLAIM, REDEMPTION, EXPIRY (cancelled as expired) or TRANSFER (to the "
        "platform's aggregator)"
    )
    batch_id: int = Field(description="Points batch")
    amount: Amount = Field(description="Points moved")
    counterparty: str | None = Field(description="The aggregator (REDEMPTION, TRANSFER)")
    reference: str | None = Field(
        description="Incentive reference hash (REDEMPTION) or cancellation id (EXPIRY)"
    )
    time: int | None = Field(description="Block time, unix seconds (null if not recorded)")
    block_number: int = Field(description="Block")
    tx_hash: str = Field(description="Transaction")


class PointsOut(BaseModel):
    """A citizen's personal points: holdings per batch and their history."""

    address: str = Field(description="The citizen's account")
    as_of: int = Field(description="Chain time the expired flags refer to (unix seconds)")
    as_of_iso: str = Field(description="The same time, ISO 8601 UTC")
    total: Amount = Field(description="Σ points held")
    holdings: list[PointsHoldingOut] = Field(description="Points held, by batch")
    history: list[PointsEventOut] = Field(
        description="Changes, newest first (paginated with limit/offset)"
    )
    next_offset: int | None = Field(description="Offset of the next history page; null at end")


class RedemptionOut(BaseModel):
    """Points a citizen redeemed for an incentive; the aggregator received them."""

    redemption_id: int = Field(description="Redemption id (1, 2, ...)")
    citizen: str = Field(description="The citizen's account")
    batch_id: int = Field(description="Points batch")
    amount: Amount = Field(description="Points redeemed")
    aggregator: str = Field(description="The platform's aggregator account that received them")
    incentive_reference: str = Field(description="Hash of the incentive's off-chain reference")
    redeemed_at: int | None = Field(description="Block time, unix seconds")
    block_number: int = Field(description="Block")
    tx_hash: str = Field(description="Transaction")


class SweepChunkOut(BaseModel):
    """One cancel_expired transaction of a sweep."""

    batch_id: int = Field(description="Expired points batch")
    holders: list[str] = Field(description="Holders swept in this transaction (≤ 200)")
    status: str = Field(description="mined, pending, failed or rejected")
    http_status: int = Field(description="The signing service's answer for this transaction")
    cancelled: Amount = Field(description="Points cancelled as expired by it")
    request_id: str | None = Field(description="Signing request id (GET /v1/tx/{id})")
    tx_hash: str | None = Field(description="Transaction hash")
    error: dict[str, object] | None = Field(description="Decoded revert, if any")


class SweepOut(BaseModel):
    """What an expiry sweep cancelled (a re-run with nothing left sends nothing)."""

    as_of: int = Field(description="Chain time the sweep compared expiries with")
    batches: list[int] = Field(description="Expired points batches with holders left")
    chunks: list[SweepChunkOut] = Field(description="Transactions sent, in order")
    cancelled: Amount = Field(description="Σ points cancelled")
    dry_run: bool = Field(description="true: found only, nothing sent")
    in_flight: int = Field(
        default=0,
        description="Holders left out because an earlier sweep's cancel_expired transaction "
        "for them is signed or sent but not mined yet (it will cancel their points)",
    )
