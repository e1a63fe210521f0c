"""Response models of Hubei compliance years, covered entities, uses and the export file."""

from __future__ import annotations

from pydantic import BaseModel, Field

from registry_node.common.types import Amount


class EligibleMethodologyOut(BaseModel):
    """A methodology whose credits are eligible in a compliance year."""

    methodology_id: int = Field(description="Methodology id")
    code: str | None = Field(description="Methodology code, e.g. WHCI-PV-001")
    version: int | None = Field(description="Methodology version")


class ComplianceYearOut(BaseModel):
    """The agency's terms of one Hubei compliance year."""

    year: int = Field(description="Compliance year")
    min_vintage: int = Field(description="First eligible vintage")
    max_vintage: int = Field(description="Last eligible vintage")
    cap_bps: int = Field(description="Share of verified emissions an entity may offset (bps)")
    closes_at: int = Field(description="Use is requested before this time (unix seconds)")
    closes_at_iso: str = Field(description="The same time, ISO 8601 UTC")
    destination_hash: str = Field(
        description="Destination hash of the year's locks: keccak256(abi.encode('HUBEI-ETS', year))"
    )
    eligible_methodologies: list[EligibleMethodologyOut] = Field(
        description="Methodologies eligible this year, by id"
    )
    block_number: int = Field(description="Block of the latest change of the terms")
    tx_hash: str = Field(description="Transaction of the latest change of the terms")


class CoveredEntityOut(BaseModel):
    """A covered entity's cap and use in one compliance year."""

    year: int = Field(description="Compliance year")
    entity: str = Field(description="The entity's ENTERPRISE account")
    verified_emissions: Amount = Field(description="Verified emissions of the year")
    cap: Amount = Field(
        description="verified_emissions * the year's current cap_bps / 10000 (rounded down)"
    )
    used: Amount = Field(description="pending + exported; released uses give their grams back")
    pending: Amount = Field(description="Locked, awaiting confirmation with the market")
    exported: Amount = Field(description="Confirmed and cancelled as exported")
    available: Amount = Field(
        description="cap - used, or 0 if re-set terms left the entity above its cap"
    )
    block_number: int = Field(description="Block of the latest emissions figure")
    tx_hash: str = Field(description="Transaction of the latest emissions figure")


class ComplianceUseOut(BaseModel):
    """A covered entity's request to use credits for compliance."""

    use_id: int = Field(description="Compliance use id (1, 2, ...)")
    year: int = Field(description="Compliance year")
    entity: str = Field(description="The covered entity")
    batch_id: int = Field(description="Batch the credits come from")
    amount: Amount = Field(description="Credits used")
    lock_id: int = Field(description="The ledger lock holding them until settled")
    status: str = Field(description="PENDING, EXPORTED or RELEASED")
    requested_at: int | None = Field(description="Block time of the request (unix seconds)")
    market_reference: str | None = Field(description="Hubei market reference hash (EXPORTED)")
    cancellation_id: str | None = Field(
        description="Cancellation id = first serial consumed (EXPORTED), decimal string"
    )
    settled_at: int | None = Field(description="Block time of export or release (unix seconds)")
    release_reason: str | None = Field(description="Why it was released (RELEASED)")
    block_number: int = Field(description="Block of the request")
    tx_hash: str = Field(description="Request transaction")
    settled_tx_hash: str | None = Field(description="Export or release transaction")


class ExportRowOut(BaseModel):
    """One row of the compliance export file: one compliance use, EXPORTED or PENDING."""

    year: int = Field(description="Compliance year")
    entity: str = Field(description="Covered entity account (checksummed address)")
    use_id: int = Field(description="Compliance use id")
    status: str = Field(description="EXPORTED or PENDING")
    pending: bool = Field(description="true while not confirmed: not yet surrenderable")
    lock_id: int = Field(description="Ledger lock id")
    batch_id: int = Field(description="Batch id (ERC-1155 id)")
    project_id: int | None = Field(description="Project of the batch")
    methodology_code: str | None = Field(description="Methodology code")
    methodology_version: int | None = Field(description="Methodology version")
    vintage: int | None = Field(description="Vintage year of the batch")
    serial_first: str | None = Field(
        description="First serial consumed = the cancellation id (EXPORTED), decimal string"
    )
    serial_last: str | None = Field(
        description="Last serial consumed, inclusive: first + amount - 1 (EXPORTED)"
    )
    amount_grams: str = Field(description="Amount, integer grams CO2e (decimal string)")
    amount_tco2e: str = Field(description="Amount in tCO2e with exactly 6 decimals")
    market_reference: str | None = Field(description="Hubei market reference hash (EXPORTED)")
    requested_at: int | None = Field(description="Request block time, unix seconds")
    requested_at_iso: str | None = Field(description="Request block time, ISO 8601 UTC")
    exported_at: int | None = Field(description="Export block time, unix seconds (EXPORTED)")
    exported_at_iso: str | None = Field(description="Export block time, ISO 8601 UTC")
    request_tx_hash: str = Field(description="Transaction of the request (lock)")
    export_tx_hash: str | None = Field(description="Transaction of the confirmation")


class ExportTotalsOut(BaseModel):
    """Totals of an export file."""

    exported: Amount = Field(description="Σ EXPORTED rows")
    pending: Amount = Field(description="Σ PENDING rows")
    rows: int = Field(description="Number of rows")


class ComplianceExportOut(BaseModel):
    """The compliance export file of one year for the Hubei market (docs/market.md)."""

    format: str = Field(description="Always `wuhan-hubei-compliance-export`")
    version: int = Field(description="Format version (1)")
    chain_id: int | None = Field(description="Chain the registry runs on")
    market: str | None = Field(description="CarbonMarket contract address")
    indexed_block: int | None = Field(description="Block the index had reached for this file")
    year: ComplianceYearOut = Field(description="The year's terms")
    totals: ExportTotalsOut = Field(description="Totals of the rows")
    rows: list[ExportRowOut] = Field(description="One row per use, by use id")
