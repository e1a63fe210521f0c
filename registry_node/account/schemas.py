"""Response models of carbon accounts."""

from __future__ import annotations

from pydantic import BaseModel, Field

from carbon_chain.units import format_tonnes
from registry_node.common.types import Amount
from registry_node.plan.schemas import PairedShareOut
from registry_node.project.schemas import StatusChangeOut
from registry_node.retirement.schemas import CancellationOut, RetirementOut


class AccountOut(BaseModel):
    """A carbon account (碳账户); no personal data is on chain or here."""

    address: str = Field(description="Checksummed address")
    kind: str = Field(description="AGENCY, VERIFIER, ORACLE, ENTERPRISE, INDIVIDUAL, ...")
    status: str = Field(description="ACTIVE, FROZEN or REVOKED")
    region: int = Field(description="GB/T 2260 region code")
    record_hash: str = Field(description="Hash of the off-chain registration record")
    block_number: int = Field(description="Block of registration")
    tx_hash: str = Field(description="Registration transaction")
    history: list[StatusChangeOut] | None = Field(
        default=None, description="Status changes (single-account view only)"
    )


class BalanceOut(BaseModel):
    """An account's holding of one batch."""

    batch_id: int = Field(description="Batch (ERC-1155 id)")
    project_id: int = Field(description="Project of the batch")
    vintage: int = Field(description="Vintage of the batch")
    balance: Amount = Field(description="Credits held")


class LedgerEntryOut(BaseModel):
    """One contract log that involves an address (transfers, claims, retirements, ...)."""

    contract: str = Field(description="registry or ledger")
    name: str = Field(description="Event name, e.g. TransferSingle")
    args: dict[str, object] = Field(description="Decoded arguments (uints as strings)")
    block_number: int = Field(description="Block")
    tx_hash: str = Field(description="Transaction")
    log_index: int = Field(description="Position in the block")


class SignedAmount(BaseModel):
    """A change of CO2e that may be negative: integer grams and tonnes, both signed strings."""

    grams: str = Field(description="Signed integer grams as a decimal string", examples=["-5"])
    tonnes: str = Field(description="Display only: signed tonnes, 6 decimals")

    @classmethod
    def of(cls, grams: int) -> SignedAmount:
        """Build from signed integer grams."""
        sign = "-" if grams < 0 else ""
        return cls(grams=str(grams), tonnes=sign + format_tonnes(abs(grams)))


class HoldingOut(BaseModel):
    """An account's holding of one batch with the batch's provenance."""

    batch_id: int = Field(description="Batch (ERC-1155 id)")
    project_id: int = Field(description="Project of the batch")
    methodology_code: str = Field(description="Methodology code")
    methodology_version: int = Field(description="Methodology version")
    sector: str = Field(description="Sector of the methodology")
    kind: str = Field(description="PROJECT credits or PERSONAL_SCENARIO points")
    vintage: int = Field(description="Vintage of the batch")
    region: int = Field(description="GB/T 2260 region of the project")
    region_name: str | None = Field(description="Region name when known (Chinese)")
    paired_assistance: bool = Field(description="The project lies in a paired-assistance region")
    imported: bool = Field(description="The batch was imported from a partner platform")
    expires_at: int | None = Field(description="Points expire at (unix seconds); null: never")
    balance: Amount = Field(description="Credits held")


class MovementOut(BaseModel):
    """One change of the account's balance, derived from an ERC-1155 transfer log."""

    kind: str = Field(
        description="issued, claimed, imported, transfer_in, released, transfer_out, redeemed, "
        "locked, retired or cancelled"
    )
    batch_id: int = Field(description="Batch moved")
    amount: Amount = Field(description="Amount moved (always positive)")
    incoming: bool = Field(description="True when the balance grew")
    counterparty: str | None = Field(description="The other address (null for mints and burns)")
    time: int | None = Field(description="Block time (unix seconds)")
    year: int | None = Field(description="Calendar year of the block (UTC+8)")
    block_number: int = Field(description="Block")
    tx_hash: str = Field(description="Transaction")


class AccountComplianceUseOut(BaseModel):
    """A compliance use of the account (as covered entity) in the Hubei market."""

    use_id: int = Field(description="Use id")
    entity: str = Field(description="Covered entity that requested the use")
    year: int = Field(description="Compliance year")
    batch_id: int = Field(description="Batch used")
    amount: Amount = Field(description="Amount locked for the use")
    status: str = Field(description="PENDING, EXPORTED or RELEASED")
    requested_at: int | None = Field(description="Block time of the request (unix seconds)")
    market_reference: str | None = Field(description="Market reference (EXPORTED)")
    cancellation_id: str | None = Field(description="Export cancellation id (EXPORTED)")
    settled_at: int | None = Field(description="Block time of export or release")
    release_reason: str | None = Field(description="Why it was released (RELEASED)")
    tx_hash: str = Field(description="Request transaction")


class ImportReceivedOut(BaseModel):
    """A batch imported from a partner platform that the account received."""

    import_id: int = Field(description="Import id")
    batch_id: int = Field(description="Batch created here")
    partner: str = Field(description="Partner platform's account")
    project_id: int = Field(description="Project as registered here")
    vintage: int = Field(description="Vintage")
    origin_serial_start: str = Field(description="Partner's first serial (decimal)")
    origin_serial_end: str = Field(description="Partner's serial end, exclusive (decimal)")
    amount: Amount = Field(description="Credits imported (= origin serial count)")
    recipient: str = Field(description="Account here that received the batch")
    period_start: int = Field(description="Monitoring period start (unix seconds)")
    period_end: int = Field(description="Monitoring period end (unix seconds)")
    evidence_hash: str = Field(description="sha256 of the partner's cancellation record")
    digest: str = Field(description="EIP-712 digest the partner attested")
    imported_at: int | None = Field(description="Block time (unix seconds)")
    block_number: int = Field(description="Block of import")
    tx_hash: str = Field(description="Import transaction")


class YearSummaryOut(BaseModel):
    """What moved in and out of the account in one calendar year (UTC+8).

    net_change = received_issued + received_imported + transferred_in + released
    - transferred_out - redeemed - locked - retired - cancelled; balance_end is the running sum.
    """

    year: int | None = Field(description="Calendar year (UTC+8); null when a block time is unknown")
    received_issued: Amount = Field(description="Issued to it or claimed from a distribution")
    received_imported: Amount = Field(description="Received as batches imported from partners")
    transferred_in: Amount = Field(description="Transferred in from other accounts")
    released: Amount = Field(description="Returned from export/compliance custody (released)")
    transferred_out: Amount = Field(description="Transferred out to other accounts")
    redeemed: Amount = Field(description="Points redeemed for incentives (to the aggregator)")
    locked: Amount = Field(description="Locked into custody for export or compliance use")
    retired: Amount = Field(description="Retired (核销)")
    cancelled: Amount = Field(description="Cancelled from its balance (invalidation, expiry)")
    exported: Amount = Field(description="Of its locked credits, cancelled as exported")
    used_for_compliance: Amount = Field(
        description="Requested for compliance use and not released (pending or exported)"
    )
    net_change: SignedAmount = Field(description="Balance change over the year (may be < 0)")
    balance_end: Amount = Field(description="Balance at the end of the year")


class AccountSummaryOut(BaseModel):
    """An enterprise carbon account (碳账户) statement: holdings, uses and a yearly summary."""

    address: str = Field(description="Checksummed address")
    account: AccountOut | None = Field(description="The registered account (null: not one)")
    year: int | None = Field(description="Year the lists and summary are limited to, if any")
    holdings: list[HoldingOut] = Field(description="Current holdings by batch")
    held: Amount = Field(description="Σ holdings now")
    held_paired_assistance: PairedShareOut = Field(
        description="Share of the holdings from paired-assistance regions"
    )
    retirements: list[RetirementOut] = Field(description="Retirements it made (the year's)")
    cancellations: list[CancellationOut] = Field(
        description="Cancellations of its credits, exports included (the year's)"
    )
    compliance_uses: list[AccountComplianceUseOut] = Field(
        description="Compliance uses (of that compliance year)"
    )
    imports: list[ImportReceivedOut] = Field(description="Imports received (in the year)")
    years: list[YearSummaryOut] = Field(description="Yearly summary, oldest first")
    truncated: bool = Field(
        description="True when a list reached the node's limit (50,000 records of one kind, "
        "10,000 holdings): the statement is then incomplete and its summary does not add up"
    )
