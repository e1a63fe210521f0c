"""Response models of retirements, certificates and cancellations."""

from __future__ import annotations

from pydantic import BaseModel, Field

from registry_node.common.types import Amount
from registry_node.reference.schemas import CaseOut


class RetirementOut(BaseModel):
    """A retirement (核销): credits used irreversibly."""

    certificate_id: str = Field(description="Certificate number = first serial consumed (decimal)")
    batch_id: int = Field(description="Batch retired from")
    holder: str = Field(description="Account whose credits were burnt")
    beneficiary: str = Field(description="On whose behalf the credits were retired")
    amount: Amount = Field(description="Amount retired")
    purpose: str = Field(description="EVENT_NEUTRALITY, VOLUNTARY, COMPLIANCE_OFFSET, ...")
    reference_hash: str = Field(description="Event id, court case or compliance record hash")
    region: int = Field(description="GB/T 2260 region of use")
    event_id: int | None = Field(description="Event retired for (EVENT_NEUTRALITY only)")
    serial_first: str = Field(description="First serial of the consumed sub-range")
    serial_last: str = Field(description="Last serial of the consumed sub-range (inclusive)")
    retired_at: int | None = Field(description="Block timestamp (unix seconds)")
    block_number: int = Field(description="Block of retirement")
    tx_hash: str = Field(description="Retirement transaction")
    project_id: int | None = Field(
        default=None, description="Project the credits came from (null if not indexed)"
    )
    project_region: int | None = Field(default=None, description="GB/T 2260 region of that project")
    paired_assistance: bool | None = Field(
        default=None,
        description="The project lies in a paired-assistance (对口帮扶) region of this node's list",
    )


class CertificateOut(BaseModel):
    """A retirement certificate: the retirement with the provenance of its credits."""

    retirement: RetirementOut = Field(description="The retirement record")
    project_id: int = Field(description="Project the credits came from")
    report_id: int = Field(description="Verified report behind the batch")
    vintage: int = Field(description="Vintage of the batch")
    methodology_code: str = Field(description="Methodology code")
    methodology_version: int = Field(description="Methodology version")
    sector: str = Field(description="Sector of the methodology")
    project_region: int = Field(description="Region of the project")
    project_region_name: str | None = Field(
        default=None, description="Name of the project's region when known (Chinese)"
    )
    paired_assistance: bool = Field(
        default=False, description="The project lies in a paired-assistance (对口帮扶) region"
    )
    case: CaseOut | None = Field(
        default=None,
        description="ECOLOGICAL_COMPENSATION only: the court case (verified text or bare hash)",
    )


class CancellationOut(BaseModel):
    """A cancellation (注销): invalidation, export, expiry or unclaimed remainder."""

    cancellation_id: str = Field(description="Id = first serial consumed (decimal)")
    batch_id: int = Field(description="Batch cancelled from")
    holder: str = Field(description="Holder (zero address for an unclaimed remainder)")
    amount: Amount = Field(description="Amount cancelled")
    kind: str = Field(description="INVALIDATION, EXPORT, EXPIRY or UNCLAIMED")
    reference_hash: str = Field(description="Destination reference (export) or case reference")
    reason: str = Field(description="Reason given on chain")
    cancelled_at: int | None = Field(description="Block timestamp (unix seconds)")
    block_number: int = Field(description="Block of cancellation")
    tx_hash: str = Field(description="Cancellation transaction")
