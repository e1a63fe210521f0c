"""Response models of reports."""

from __future__ import annotations

from pydantic import BaseModel, Field

from registry_node.common.types import Amount
from registry_node.project.schemas import StatusChangeOut


class ReportOut(BaseModel):
    """A verified monitoring report (核证), the basis of issuance."""

    report_id: int = Field(description="On-chain id")
    project_id: int = Field(description="Project reported on")
    methodology_id: int = Field(description="Methodology used")
    status: str = Field(description="VERIFIED or REJECTED")
    period_start: int = Field(description="Monitoring period start (unix seconds, inclusive)")
    period_end: int = Field(description="Monitoring period end (unix seconds, exclusive)")
    quantity: Amount = Field(description="Verified reduction")
    data_root: str = Field(description="Merkle root of per-participant allocations")
    evidence_hash: str = Field(description="sha256 of the published dataset")
    digest: str = Field(description="EIP-712 digest the verifiers signed")
    signers: list[str] = Field(description="Verifiers whose signatures were accepted")
    submitted_at: int = Field(description="Submission time (unix seconds)")
    deadline: int = Field(description="Signature deadline (unix seconds)")
    block_number: int = Field(description="Block of submission")
    tx_hash: str = Field(description="Submission transaction")
    history: list[StatusChangeOut] | None = Field(
        default=None, description="Status changes (single-report view only)"
    )
