"""Response models of totals."""

from __future__ import annotations

from pydantic import BaseModel, Field

from registry_node.common.types import Amount


class TotalOut(BaseModel):
    """Totals of one group."""

    key: str = Field(description="Group: sector name, region code, vintage or methodology code")
    batches: int = Field(description="Batches in the group")
    issued: Amount = Field(description="Issued")
    retired: Amount = Field(description="Retired")
    cancelled: Amount = Field(description="Cancelled")


class TotalsOut(BaseModel):
    """Totals grouped by one dimension."""

    by: str = Field(description="sector, region, vintage or methodology")
    groups: list[TotalOut] = Field(description="One entry per group, sorted by key")


class OverallOut(BaseModel):
    """Registry-wide totals: issued = held + retired + cancelled + unclaimed."""

    batches: int = Field(description="Batches issued")
    issued: Amount = Field(description="Issued")
    held: Amount = Field(description="Σ holder balances, including export custody")
    retired: Amount = Field(description="Retired")
    cancelled: Amount = Field(description="Cancelled")
    unclaimed: Amount = Field(description="Merkle distributions not (yet) claimed")
