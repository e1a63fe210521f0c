"""Response models of totals."""

from __future__ import annotations

from pydantic import BaseModel, Field

from registry_node.common.types import Amount
from registry_node.plan.schemas import PairedShareOut


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
    paired_assistance: PairedAssistanceOut | None = Field(
        default=None,
        description="Issued and retired from paired-assistance regions, total and per year "
        "(always set by GET /v1/totals)",
    )


class OverallOut(BaseModel):
    """Registry-wide totals: issued = held + retired + cancelled + unclaimed."""

    batches: int = Field(description="Batches issued")
    issued: Amount = Field(description="Issued")
    held: Amount = Field(description="Σ holder balances, including export custody")
    retired: Amount = Field(description="Retired")
    cancelled: Amount = Field(description="Cancelled")
    unclaimed: Amount = Field(description="Merkle distributions not (yet) claimed")


class YearShareOut(BaseModel):
    """Retirements of one calendar year (Beijing time) and their paired-assistance share."""

    year: int | None = Field(description="Calendar year of retirement (UTC+8); null if unknown")
    retired: PairedShareOut = Field(description="Retired that year, and from paired regions")


class PairedAssistanceOut(BaseModel):
    """Credits from paired-assistance (对口帮扶) regions: issued, retired, retired per year."""

    regions: list[int] = Field(description="The configured paired-assistance region codes")
    issued: PairedShareOut = Field(description="Issued, and from paired-assistance regions")
    retired: PairedShareOut = Field(description="Retired, and from paired-assistance regions")
    by_year: list[YearShareOut] = Field(description="Retired per calendar year, oldest first")
