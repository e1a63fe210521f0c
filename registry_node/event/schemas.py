"""Response models of large events and their neutrality."""

from __future__ import annotations

from pydantic import BaseModel, Field

from registry_node.common.types import Amount
from registry_node.plan.schemas import PairedShareOut
from registry_node.retirement.schemas import RetirementOut


class EventOut(BaseModel):
    """A large event (大型活动) to be made carbon-neutral."""

    event_id: int = Field(description="On-chain id")
    organiser: str = Field(description="Organiser's account")
    name: str = Field(description="Event name")
    region: int = Field(description="GB/T 2260 region code of the venue")
    starts_at: int = Field(description="Start (unix seconds)")
    ends_at: int = Field(description="End (unix seconds)")
    footprint: Amount = Field(description="Declared footprint to offset")
    evidence_hash: str = Field(description="Hash of the footprint evidence")
    retired: Amount = Field(description="Retired against the event so far")
    outstanding: Amount = Field(description="Footprint not yet covered (0 when neutral)")
    neutralised: bool = Field(description="Carbon-neutral: retirements cover the footprint")
    neutralised_block: int | None = Field(description="Block that made it neutral")
    block_number: int = Field(description="Block of registration")
    tx_hash: str = Field(description="Registration transaction")


class NeutralityCertificateOut(BaseModel):
    """The event's neutrality status with every retirement against it."""

    event: EventOut = Field(description="The event")
    retirements: list[RetirementOut] = Field(
        description="Retirements against it, in order, each with paired_assistance"
    )
    paired_assistance: PairedShareOut = Field(
        description="Share of the retired amount from paired-assistance (对口帮扶) regions"
    )
