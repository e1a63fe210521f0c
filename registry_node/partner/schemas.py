"""Response models of credit imports."""

from __future__ import annotations

from pydantic import BaseModel, Field

from registry_node.common.types import Amount


class OriginOut(BaseModel):
    """Where imported credits came from: the partner platform and its serials."""

    partner: str = Field(description="The partner platform's PARTNER_REGISTRY account")
    partner_record_hash: str | None = Field(
        description="Hash of the partner's off-chain registration record (its accreditation)"
    )
    partner_region: int | None = Field(description="GB/T 2260 region code of the partner")
    serial_start: str = Field(description="First origin serial at the partner (decimal string)")
    serial_end: str = Field(description="End of the origin serials, exclusive (decimal string)")
    quantity: Amount = Field(description="Imported quantity: one gram per origin serial")


class ImportOut(BaseModel):
    """A batch imported from a partner platform, with the partner's attested origin."""

    import_id: int = Field(description="Import id (1, 2, ...)")
    batch_id: int = Field(description="The batch minted here (its report id is 0)")
    origin: OriginOut = Field(description="Partner and origin serials")
    project_id: int = Field(description="The project as registered here (项目互认)")
    period_start: int = Field(description="Monitoring period start (unix seconds)")
    period_end: int = Field(description="Monitoring period end, exclusive (unix seconds)")
    vintage: int = Field(description="Vintage year")
    recipient: str = Field(description="Account here that received the batch")
    evidence_hash: str = Field(
        description="sha256 of the partner's cancellation record and verification report"
    )
    deadline: int = Field(description="The attestation's deadline (unix seconds)")
    attestation_digest: str = Field(
        description="EIP-712 digest of the partner's CreditImport attestation (used once)"
    )
    imported_at: int | None = Field(description="Block time of the import (unix seconds)")
    block_number: int = Field(description="Block of the import")
    tx_hash: str = Field(description="Import transaction")
