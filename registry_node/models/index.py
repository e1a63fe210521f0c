"""Index tables: projections of the registry's contract events plus the indexer's cursor.

Every row is derived from logs; the chain stays the source of truth. Hashes and addresses are
stored as 0x hex text (addresses checksummed), amounts as exact uint256 integers (grams).
"""

from __future__ import annotations

from typing import cast

from sqlalchemy import BigInteger, Boolean, Index, Integer, LargeBinary, String, Table, Text
from sqlalchemy import UniqueConstraint as Unique
from sqlalchemy.orm import Mapped, mapped_column

from registry_node.db import Base, Uint256

HASH = String(66)
ADDRESS = String(42)


class IndexCursor(Base):
    """The last block whose logs are applied, and the chain identity the index belongs to."""

    __tablename__ = "index_cursor"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chain_id: Mapped[int] = mapped_column(BigInteger)
    registry_address: Mapped[str] = mapped_column(ADDRESS)
    ledger_address: Mapped[str] = mapped_column(ADDRESS)
    market_address: Mapped[str | None] = mapped_column(
        ADDRESS, doc="CarbonMarket address; null in an index made before the market (rebuild)"
    )
    deploy_block: Mapped[int] = mapped_column(BigInteger)
    deploy_block_hash: Mapped[str] = mapped_column(HASH)
    block_number: Mapped[int] = mapped_column(BigInteger)
    block_hash: Mapped[str] = mapped_column(HASH)
    updated_at: Mapped[int] = mapped_column(BigInteger, doc="unix seconds of the last commit")


class IndexedBlock(Base):
    """Hash of a block the indexer relied on (chunk ends and blocks with logs), for reorgs."""

    __tablename__ = "index_blocks"
    number: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    hash: Mapped[str] = mapped_column(HASH)
    timestamp: Mapped[int | None] = mapped_column(BigInteger)


class EventLog(Base):
    """One decoded contract log, raw bytes kept so it can be re-decoded (e.g. on rollback)."""

    __tablename__ = "event_logs"
    __table_args__ = (
        Unique("chain_id", "tx_hash", "log_index"),
        Index("ix_event_logs_position", "block_number", "tx_index", "log_index"),
        Index("ix_event_logs_name", "name"),
    )
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    chain_id: Mapped[int] = mapped_column(BigInteger)
    block_number: Mapped[int] = mapped_column(BigInteger)
    block_hash: Mapped[str] = mapped_column(HASH)
    tx_hash: Mapped[str] = mapped_column(HASH)
    tx_index: Mapped[int] = mapped_column(Integer)
    log_index: Mapped[int] = mapped_column(Integer)
    contract: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(ADDRESS)
    topics: Mapped[bytes] = mapped_column(LargeBinary, doc="topics concatenated, 32 bytes each")
    data: Mapped[bytes] = mapped_column(LargeBinary)
    args: Mapped[str] = mapped_column(Text, doc="decoded arguments as JSON, uint as strings")


class Account(Base):
    """A carbon account (AccountRegistered / AccountStatusChanged)."""

    __tablename__ = "accounts"
    address: Mapped[str] = mapped_column(ADDRESS, primary_key=True)
    kind: Mapped[int] = mapped_column(Integer)
    status: Mapped[int] = mapped_column(Integer)
    region: Mapped[int] = mapped_column(Integer, index=True)
    record_hash: Mapped[str] = mapped_column(HASH)
    block_number: Mapped[int] = mapped_column(BigInteger)
    tx_hash: Mapped[str] = mapped_column(HASH)


class Methodology(Base):
    """An approved methodology or personal scenario."""

    __tablename__ = "methodologies"
    methodology_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    code: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[int] = mapped_column(Integer)
    sector: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[int] = mapped_column(Integer)
    document_hash: Mapped[str] = mapped_column(HASH)
    point_validity: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[int] = mapped_column(Integer)
    block_number: Mapped[int] = mapped_column(BigInteger)
    tx_hash: Mapped[str] = mapped_column(HASH)


class Project(Base):
    """A project (ProjectProposed, ProjectStatusChanged)."""

    __tablename__ = "projects"
    project_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    methodology_id: Mapped[int] = mapped_column(BigInteger, index=True)
    proponent: Mapped[str] = mapped_column(ADDRESS, index=True)
    region: Mapped[int] = mapped_column(Integer, index=True)
    notice_ends_at: Mapped[int] = mapped_column(BigInteger)
    metadata_hash: Mapped[str] = mapped_column(HASH)
    metadata_uri: Mapped[str] = mapped_column(Text)
    status: Mapped[int] = mapped_column(Integer, index=True)
    block_number: Mapped[int] = mapped_column(BigInteger)
    tx_hash: Mapped[str] = mapped_column(HASH)


class Report(Base):
    """A verified (or later rejected) monitoring report."""

    __tablename__ = "reports"
    report_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    digest: Mapped[str] = mapped_column(HASH)
    project_id: Mapped[int] = mapped_column(BigInteger, index=True)
    methodology_id: Mapped[int] = mapped_column(BigInteger)
    period_start: Mapped[int] = mapped_column(BigInteger)
    period_end: Mapped[int] = mapped_column(BigInteger)
    submitted_at: Mapped[int] = mapped_column(BigInteger)
    deadline: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[int] = mapped_column(Integer)
    quantity: Mapped[int] = mapped_column(Uint256)
    data_root: Mapped[str] = mapped_column(HASH)
    evidence_hash: Mapped[str] = mapped_column(HASH)
    signers: Mapped[str] = mapped_column(Text, doc="JSON list of verifier addresses")
    block_number: Mapped[int] = mapped_column(BigInteger)
    tx_hash: Mapped[str] = mapped_column(HASH)


class Batch(Base):
    """An issuance batch (ERC-1155 id) with its running supply counters."""

    __tablename__ = "batches"
    batch_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    report_id: Mapped[int] = mapped_column(BigInteger, index=True)
    project_id: Mapped[int] = mapped_column(BigInteger, index=True)
    recipient: Mapped[str | None] = mapped_column(ADDRESS)
    serial_start: Mapped[int] = mapped_column(Uint256)
    vintage: Mapped[int] = mapped_column(Integer, index=True)
    kind: Mapped[int] = mapped_column(Integer)
    quantity: Mapped[int] = mapped_column(Uint256)
    buffer_amount: Mapped[int] = mapped_column(Uint256)
    claim_deadline: Mapped[int] = mapped_column(BigInteger)
    expires_at: Mapped[int] = mapped_column(BigInteger)
    merkle_root: Mapped[str] = mapped_column(HASH)
    distribution_closed: Mapped[bool] = mapped_column(Boolean)
    claimed: Mapped[int] = mapped_column(Uint256)
    retired: Mapped[int] = mapped_column(Uint256)
    cancelled: Mapped[int] = mapped_column(Uint256)
    block_number: Mapped[int] = mapped_column(BigInteger)
    tx_hash: Mapped[str] = mapped_column(HASH)


class Balance(Base):
    """Credits of one batch held by one address (the ledger's own address = export custody)."""

    __tablename__ = "balances"
    __table_args__ = (Index("ix_balances_holder", "holder", "batch_id"),)
    batch_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    holder: Mapped[str] = mapped_column(ADDRESS, primary_key=True)
    amount: Mapped[int] = mapped_column(Uint256)


class Claim(Base):
    """A claimed Merkle allocation."""

    __tablename__ = "claims"
    __table_args__ = (Index("ix_claims_account", "account"),)
    batch_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    account: Mapped[str] = mapped_column(ADDRESS, primary_key=True)
    amount: Mapped[int] = mapped_column(Uint256)
    block_number: Mapped[int] = mapped_column(BigInteger)
    tx_hash: Mapped[str] = mapped_column(HASH)


class Retirement(Base):
    """A retirement record; its id is the certificate number (first serial consumed)."""

    __tablename__ = "retirements"
    __table_args__ = (Index("ix_retirements_beneficiary", "beneficiary", "certificate_id"),)
    certificate_id: Mapped[int] = mapped_column(Uint256, primary_key=True)
    batch_id: Mapped[int] = mapped_column(BigInteger, index=True)
    holder: Mapped[str] = mapped_column(ADDRESS, index=True)
    beneficiary: Mapped[str] = mapped_column(ADDRESS)
    amount: Mapped[int] = mapped_column(Uint256)
    purpose: Mapped[int] = mapped_column(Integer, index=True)
    reference_hash: Mapped[str] = mapped_column(HASH)
    region: Mapped[int] = mapped_column(Integer)
    event_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    block_number: Mapped[int] = mapped_column(BigInteger)
    block_time: Mapped[int | None] = mapped_column(BigInteger)
    tx_hash: Mapped[str] = mapped_column(HASH)
    log_index: Mapped[int] = mapped_column(Integer)


class Cancellation(Base):
    """A cancellation (invalidation, export, expiry, unclaimed remainder) with its reason."""

    __tablename__ = "cancellations"
    __table_args__ = (Index("ix_cancellations_holder", "holder", "block_number", "log_index"),)
    cancellation_id: Mapped[int] = mapped_column(Uint256, primary_key=True)
    batch_id: Mapped[int] = mapped_column(BigInteger, index=True)
    holder: Mapped[str] = mapped_column(ADDRESS)
    amount: Mapped[int] = mapped_column(Uint256)
    kind: Mapped[int] = mapped_column(Integer)
    reference_hash: Mapped[str] = mapped_column(HASH)
    reason: Mapped[str] = mapped_column(Text)
    block_number: Mapped[int] = mapped_column(BigInteger)
    block_time: Mapped[int | None] = mapped_column(BigInteger)
    tx_hash: Mapped[str] = mapped_column(HASH)
    log_index: Mapped[int] = mapped_column(Integer)


class Lock(Base):
    """Credits locked for export, then exported (cancelled) or released."""

    __tablename__ = "locks"
    lock_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    batch_id: Mapped[int] = mapped_column(BigInteger, index=True)
    holder: Mapped[str] = mapped_column(ADDRESS, index=True)
    amount: Mapped[int] = mapped_column(Uint256)
    destination_hash: Mapped[str] = mapped_column(HASH)
    status: Mapped[int] = mapped_column(Integer)
    cancellation_id: Mapped[int | None] = mapped_column(Uint256)
    export_reference_hash: Mapped[str | None] = mapped_column(HASH)
    release_reason: Mapped[str | None] = mapped_column(Text)
    block_number: Mapped[int] = mapped_column(BigInteger)
    tx_hash: Mapped[str] = mapped_column(HASH)


class CarbonEvent(Base):
    """A registered large event (大型活动) and how much has been retired against it."""

    __tablename__ = "carbon_events"
    event_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    organiser: Mapped[str] = mapped_column(ADDRESS, index=True)
    name: Mapped[str] = mapped_column(Text)
    region: Mapped[int] = mapped_column(Integer)
    starts_at: Mapped[int] = mapped_column(BigInteger)
    ends_at: Mapped[int] = mapped_column(BigInteger)
    footprint: Mapped[int] = mapped_column(Uint256)
    evidence_hash: Mapped[str] = mapped_column(HASH)
    retired: Mapped[int] = mapped_column(Uint256)
    neutralised: Mapped[bool] = mapped_column(Boolean)
    neutralised_block: Mapped[int | None] = mapped_column(BigInteger)
    block_number: Mapped[int] = mapped_column(BigInteger)
    tx_hash: Mapped[str] = mapped_column(HASH)


class Recovery(Base):
    """Credits moved from a lost (frozen) individual account to its replacement."""

    __tablename__ = "recoveries"
    tx_hash: Mapped[str] = mapped_column(HASH, primary_key=True)
    log_index: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    lost: Mapped[str] = mapped_column(ADDRESS, index=True)
    replacement: Mapped[str] = mapped_column(ADDRESS)
    batches: Mapped[str] = mapped_column(Text, doc="JSON [[batchId, amount], ...]")
    block_number: Mapped[int] = mapped_column(BigInteger)


class StatusChange(Base):
    """A status change of an account, methodology, project or report, with its reason."""

    __tablename__ = "status_changes"
    __table_args__ = (Index("ix_status_changes_subject", "subject", "subject_id"),)
    tx_hash: Mapped[str] = mapped_column(HASH, primary_key=True)
    log_index: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    subject: Mapped[str] = mapped_column(String(16), doc="account|methodology|project|report")
    subject_id: Mapped[str] = mapped_column(String(78), doc="address or decimal id")
    previous: Mapped[int] = mapped_column(Integer)
    status: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    block_number: Mapped[int] = mapped_column(BigInteger)


class ComplianceYear(Base):
    """The agency's terms of a Hubei compliance year (ComplianceYearSet)."""

    __tablename__ = "compliance_years"
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    min_vintage: Mapped[int] = mapped_column(Integer)
    max_vintage: Mapped[int] = mapped_column(Integer)
    cap_bps: Mapped[int] = mapped_column(Integer)
    closes_at: Mapped[int] = mapped_column(BigInteger)
    block_number: Mapped[int] = mapped_column(BigInteger)
    tx_hash: Mapped[str] = mapped_column(HASH)


class ComplianceEligibility(Base):
    """Whether a methodology's credits are eligible in a compliance year."""

    __tablename__ = "compliance_eligibility"
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    methodology_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    eligible: Mapped[bool] = mapped_column(Boolean)
    block_number: Mapped[int] = mapped_column(BigInteger)
    tx_hash: Mapped[str] = mapped_column(HASH)


class CoveredEntity(Base):
    """A covered entity's verified emissions and cap in a compliance year (grams).

    Its use is not stored: it is the sum of its PENDING and EXPORTED compliance uses, so a
    release (whose event does not repeat the amount) needs no read in the indexer's handlers.
    """

    __tablename__ = "covered_entities"
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    entity: Mapped[str] = mapped_column(ADDRESS, primary_key=True)
    verified_emissions: Mapped[int] = mapped_column(Uint256)
    cap: Mapped[int] = mapped_column(Uint256)
    block_number: Mapped[int] = mapped_column(BigInteger)
    tx_hash: Mapped[str] = mapped_column(HASH)


class ComplianceUse(Base):
    """A covered entity's compliance use: PENDING (locked), EXPORTED or RELEASED."""

    __tablename__ = "compliance_uses"
    use_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    year: Mapped[int] = mapped_column(Integer, index=True)
    entity: Mapped[str] = mapped_column(ADDRESS, index=True)
    batch_id: Mapped[int] = mapped_column(BigInteger)
    amount: Mapped[int] = mapped_column(Uint256)
    lock_id: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[int] = mapped_column(Integer, doc="1 PENDING 2 EXPORTED 3 RELEASED")
    requested_at: Mapped[int | None] = mapped_column(BigInteger, doc="block time of the request")
    market_reference: Mapped[str | None] = mapped_column(HASH)
    cancellation_id: Mapped[int | None] = mapped_column(Uint256)
    settled_at: Mapped[int | None] = mapped_column(BigInteger, doc="block time of export/release")
    settled_block_number: Mapped[int | None] = mapped_column(BigInteger)
    settled_tx_hash: Mapped[str | None] = mapped_column(HASH)
    release_reason: Mapped[str | None] = mapped_column(Text)
    block_number: Mapped[int] = mapped_column(BigInteger)
    tx_hash: Mapped[str] = mapped_column(HASH)


class CreditImport(Base):
    """A batch imported from a partner platform, with the partner's attested origin."""

    __tablename__ = "credit_imports"
    import_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    batch_id: Mapped[int] = mapped_column(BigInteger, index=True)
    partner: Mapped[str] = mapped_column(ADDRESS, index=True)
    origin_serial_start: Mapped[int] = mapped_column(Uint256)
    origin_serial_end: Mapped[int] = mapped_column(Uint256)
    project_id: Mapped[int] = mapped_column(BigInteger, index=True)
    period_start: Mapped[int] = mapped_column(BigInteger)
    period_end: Mapped[int] = mapped_column(BigInteger)
    vintage: Mapped[int] = mapped_column(Integer)
    recipient: Mapped[str] = mapped_column(ADDRESS, index=True)
    evidence_hash: Mapped[str] = mapped_column(HASH)
    deadline: Mapped[int] = mapped_column(BigInteger)
    digest: Mapped[str] = mapped_column(HASH)
    imported_at: Mapped[int | None] = mapped_column(BigInteger)
    block_number: Mapped[int] = mapped_column(BigInteger)
    tx_hash: Mapped[str] = mapped_column(HASH)


class Redemption(Base):
    """Personal points a citizen redeemed for an incentive (the aggregator received them)."""

    __tablename__ = "redemptions"
    redemption_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    citizen: Mapped[str] = mapped_column(ADDRESS, index=True)
    batch_id: Mapped[int] = mapped_column(BigInteger)
    amount: Mapped[int] = mapped_column(Uint256)
    aggregator: Mapped[str] = mapped_column(ADDRESS)
    incentive_reference: Mapped[str] = mapped_column(HASH)
    redeemed_at: Mapped[int | None] = mapped_column(BigInteger)
    block_number: Mapped[int] = mapped_column(BigInteger)
    tx_hash: Mapped[str] = mapped_column(HASH)


class Transfer(Base):
    """One item of an ERC-1155 transfer log: a move between accounts, or a mint (sender ZERO:
    issuance, claim, import) or burn (recipient ZERO: retirement, cancellation, export)."""

    __tablename__ = "transfers"
    __table_args__ = (
        Index("ix_transfers_sender", "sender", "block_number"),
        Index("ix_transfers_recipient", "recipient", "block_number"),
    )
    tx_hash: Mapped[str] = mapped_column(HASH, primary_key=True)
    log_index: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    item: Mapped[int] = mapped_column(
        Integer, primary_key=True, autoincrement=False, doc="position in a TransferBatch"
    )
    batch_id: Mapped[int] = mapped_column(BigInteger, index=True)
    sender: Mapped[str] = mapped_column(ADDRESS)
    recipient: Mapped[str] = mapped_column(ADDRESS)
    amount: Mapped[int] = mapped_column(Uint256)
    block_number: Mapped[int] = mapped_column(BigInteger)
    block_time: Mapped[int | None] = mapped_column(BigInteger)


class ChainSetting(Base):
    """Contract-wide settings seen in events: aggregator, buffer account, paused, threshold."""

    __tablename__ = "chain_settings"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


INDEX_TABLES: tuple[Table, ...] = tuple(
    cast(Table, model.__table__)
    for model in (
        IndexCursor,
        IndexedBlock,
        EventLog,
        Account,
        Methodology,
        Project,
        Report,
        Batch,
        Balance,
        Claim,
        Retirement,
        Cancellation,
        Lock,
        CarbonEvent,
        Recovery,
        StatusChange,
        ChainSetting,
        ComplianceYear,
        ComplianceEligibility,
        CoveredEntity,
        ComplianceUse,
        CreditImport,
        Redemption,
        Transfer,
    )
)
"""Every table the indexer owns (a rebuild empties exactly these)."""
