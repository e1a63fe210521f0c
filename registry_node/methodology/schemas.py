"""Response models of methodologies."""

from __future__ import annotations

from pydantic import BaseModel, Field


class MethodologyOut(BaseModel):
    """An approved methodology (方法学) or personal scenario."""

    methodology_id: int = Field(description="On-chain id")
    code: str = Field(description="Code, e.g. WHCI-GT-001")
    version: int = Field(description="Version of the approved text")
    sector: str = Field(description="Sector, e.g. transport, energy")
    kind: str = Field(description="PROJECT or PERSONAL_SCENARIO")
    status: str = Field(description="ACTIVE or DEPRECATED")
    document_hash: str = Field(description="sha256 of the approved text (0x hex)")
    point_validity: int = Field(description="Seconds personal points stay valid; 0 = no expiry")
    block_number: int = Field(description="Block of registration")
    tx_hash: str = Field(description="Registration transaction")
