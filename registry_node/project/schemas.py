"""Response models of projects."""

from __future__ import annotations

from pydantic import BaseModel, Field


class StatusChangeOut(BaseModel):
    """One status change with the agency's reason."""

    previous: str = Field(description="Status before")
    status: str = Field(description="Status after")
    reason: str = Field(description="Reason given on chain")
    block_number: int = Field(description="Block of the change")
    tx_hash: str = Field(description="Transaction of the change")


class ProjectOut(BaseModel):
    """A carbon-reduction project (碳减排项目)."""

    project_id: int = Field(description="On-chain id")
    methodology_id: int = Field(description="Methodology the project applies")
    proponent: str = Field(description="Proponent's carbon account (checksummed)")
    region: int = Field(description="GB/T 2260 region code, e.g. 420100 Wuhan")
    status: str = Field(description="PROPOSED, REGISTERED, REJECTED, SUSPENDED or CLOSED")
    notice_ends_at: int = Field(description="End of the public-notice period (unix seconds)")
    metadata_hash: str = Field(description="Hash of the off-chain project record")
    metadata_uri: str = Field(description="Where the project record is published")
    block_number: int = Field(description="Block of the proposal")
    tx_hash: str = Field(description="Proposal transaction")
    history: list[StatusChangeOut] | None = Field(
        default=None, description="Status changes, oldest first (single-project view only)"
    )
