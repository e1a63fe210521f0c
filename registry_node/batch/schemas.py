"""Response models of batches and their supply."""

from __future__ import annotations

from pydantic import BaseModel, Field

from registry_node.common.types import Amount


class SupplyOut(BaseModel):
    """Where a batch's credits are: issued = held + retired + cancelled + unclaimed."""

    issued: Amount = Field(description="Quantity issued in the batch")
    held: Amount = Field(description="Σ holder balances, including export custody (locked)")
    retired: Amount = Field(description="Retired (核销), never moves again")
    cancelled: Amount = Field(description="Cancelled (注销): invalidated, exported, expired")
    unclaimed: Amount = Field(description="Merkle distribution not yet claimed")
    claimed: Amount = Field(description="Claimed from the Merkle distribution so far")
    locked: Amount = Field(description="Locked for export (part of held, in ledger custody)")


class BatchOut(BaseModel):
    """An issuance batch (签发批次, ERC-1155 id)."""

    batch_id: int = Field(description="ERC-1155 token id")
    report_id: int = Field(description="Report issued against")
    project_id: int = Field(description="Project of the report")
    kind: str = Field(description="PROJECT credits or PERSONAL_SCENARIO points")
    recipient: str | None = Field(description="Proponent issued to; null for a distribution")
    vintage: int = Field(description="Vintage year")
    serial_start: str = Field(description="First serial (decimal string); one serial per gram")
    quantity: Amount = Field(description="Quantity issued")
    buffer_amount: Amount = Field(description="Part sent to the buffer account")
    claim_deadline: int = Field(description="Claim deadline (unix seconds); 0 = no claims")
    expires_at: int = Field(description="Points expiry (unix seconds); 0 = never")
    merkle_root: str = Field(description="Distribution root; zero hash when not distributed")
    distribution_closed: bool = Field(description="Unclaimed remainder has been cancelled")
    supply: SupplyOut = Field(description="Current supply breakdown")
    block_number: int = Field(description="Block of issuance")
    tx_hash: str = Field(description="Issuance transaction")


class HolderOut(BaseModel):
    """One holder's balance of a batch."""

    holder: str = Field(description="Address (the ledger's own address is export custody)")
    balance: Amount = Field(description="Credits held")
