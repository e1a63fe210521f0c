"""Response models of Merkle claim proofs."""

from __future__ import annotations

from pydantic import BaseModel, Field

from registry_node.common.types import Amount


class ClaimProofOut(BaseModel):
    """What an account needs to call `claim(batchId, account, amount, proof)`."""

    batch_id: int = Field(description="Distribution batch")
    account: str = Field(description="Claiming account")
    amount: Amount = Field(description="Allocated amount (pass `amount.grams` to claim)")
    proof: list[str] = Field(description="Merkle proof, 0x hex nodes, leaf to root")
    merkle_root: str = Field(description="Root the proof verifies against")
    claimed: bool = Field(description="Already claimed (a second claim reverts)")
    claim_deadline: int = Field(description="Last second to claim (unix)")
    distribution_closed: bool = Field(description="Remainder cancelled: no more claims")
    evidence_hash: str = Field(description="Dataset the allocation comes from")


class ClaimOut(BaseModel):
    """A claimed Merkle allocation."""

    batch_id: int = Field(description="Distribution batch")
    account: str = Field(description="Account that received the allocation")
    amount: Amount = Field(description="Claimed amount")
    block_number: int = Field(description="Block of the claim")
    tx_hash: str = Field(description="Claim transaction")
