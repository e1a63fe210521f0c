"""Request and response models of retirement plans, and the paired-assistance share."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from registry_node.common.types import Address, Amount, Hash32, Id
from registry_node.tx.ops import RetirePurpose, refuse_other_paths

# The `retire` op's purposes: compliance use is not a retirement (use_for_compliance).
PlanPurpose = Annotated[RetirePurpose, BeforeValidator(refuse_other_paths)]


def percent(part: int, total: int) -> str:
    """Return part / total in percent with 2 decimals ("0.00" when total is 0)."""
    if total <= 0:
        return "0.00"
    value = Decimal(part) * 100 / Decimal(total)
    return str(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN))


class PairedShareOut(BaseModel):
    """How much of an amount comes from paired-assistance (对口帮扶) regions."""

    total: Amount = Field(description="The whole amount (retired, planned, ...)")
    paired_assistance: Amount = Field(description="Of which from paired-assistance regions")
    percent: str = Field(description="Paired-assistance share in percent, 2 decimals")

    @classmethod
    def of(cls, paired: int, total: int) -> PairedShareOut:
        """Build from integer grams."""
        return cls(
            total=Amount.of(total),
            paired_assistance=Amount.of(paired),
            percent=percent(paired, total),
        )


class PlanIn(BaseModel):
    """What to cover and from whose holdings; the node plans, it never signs here."""

    model_config = ConfigDict(extra="forbid", strict=True)
    holder: Address = Field(description="Account whose project credits retire (it signs later)")
    amount: Annotated[int, Field(ge=1, le=2**64 - 1)] = Field(
        description="Footprint to cover, integer grams of CO2e (a JSON integer)"
    )
    event_id: Id | None = Field(
        default=None, description="Retire against this registered event (retire_for_event)"
    )
    priority_first: bool = Field(
        default=True, description="Take batches of paired-assistance regions first"
    )
    beneficiary: Address | None = Field(
        default=None, description="retire only: on whose behalf (default: the holder)"
    )
    purpose: PlanPurpose | None = Field(
        default=None,
        description="retire only: VOLUNTARY (default), ECOLOGICAL_COMPENSATION or "
        "INCENTIVE_REDEMPTION; COMPLIANCE_OFFSET is refused (422): compliance use goes through "
        "POST /v1/tx/use_for_compliance",
    )
    reference_hash: Hash32 | None = Field(
        default=None,
        description="retire only: reference (required, nonzero, for ECOLOGICAL_COMPENSATION: "
        "see POST /v1/references)",
    )
    region: Annotated[int, Field(ge=100000, le=999999)] | None = Field(
        default=None, description="retire only: GB/T 2260 region of use (default: holder's)"
    )


class PlanLineOut(BaseModel):
    """One batch the plan retires from."""

    batch_id: int = Field(description="Batch to retire from")
    project_id: int = Field(description="Project of the batch")
    methodology_code: str = Field(description="Methodology code of the project")
    region: int = Field(description="GB/T 2260 region of the project")
    region_name: str | None = Field(description="Region name when known (Chinese)")
    paired_assistance: bool = Field(description="The project lies in a paired-assistance region")
    vintage: int = Field(description="Vintage of the batch")
    available: Amount = Field(description="The holder's balance of the batch")
    amount: Amount = Field(description="Amount this line retires")


class SkippedOut(BaseModel):
    """A holding the plan may not use, and why."""

    batch_id: int = Field(description="Batch held")
    amount: Amount = Field(description="Balance held")
    reason: str = Field(description="points (personal scenario) or project_suspended")


class SigningOpOut(BaseModel):
    """A signing request to send as the holder's key: POST {path} with {body}."""

    op: str = Field(description="retire_for_event or retire")
    path: str = Field(description="Signing endpoint, e.g. /v1/tx/retire_for_event")
    body: dict[str, Any] = Field(description="The exact JSON body of the operation")


class PlanOut(BaseModel):
    """A retirement plan: the lines, their share from paired-assistance regions, and the ops."""

    holder: str = Field(description="Account whose credits retire")
    requested: Amount = Field(description="Amount to cover")
    event_id: int | None = Field(description="Event retired against, if any")
    event_outstanding: Amount | None = Field(
        description="The event's footprint not yet covered (event plans only)"
    )
    priority_first: bool = Field(description="Paired-assistance batches were taken first")
    priority_regions: list[int] = Field(description="The configured paired-assistance regions")
    lines: list[PlanLineOut] = Field(description="Batches in the order they are retired")
    total: Amount = Field(description="Σ lines (= requested)")
    paired_assistance: PairedShareOut = Field(description="Share from paired-assistance regions")
    skipped: list[SkippedOut] = Field(description="Holdings the plan may not use")
    ops: list[SigningOpOut] = Field(description="The signing requests, one per line, in order")
