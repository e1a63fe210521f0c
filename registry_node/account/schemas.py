"""Response models of carbon accounts."""

from __future__ import annotations

from pydantic import BaseModel, Field

from registry_node.common.types import Amount
from registry_node.project.schemas import StatusChangeOut


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
