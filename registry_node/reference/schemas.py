"""Request and response models of reference preimages."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator


class ReferenceIn(BaseModel):
    """A reference to hash and keep, e.g. the court's case number and judgment."""

    model_config = ConfigDict(extra="forbid", strict=True)
    kind: Literal["court_case"] = Field(description="What the text is: court_case")
    text: str = Field(
        min_length=1,
        max_length=4000,
        description="The exact text; its keccak256 over UTF-8 bytes is the referenceHash",
        examples=["(2025)鄂01民初1234号 生态环境损害赔偿"],
    )

    @field_validator("text")
    @classmethod
    def _storable(cls, value: str) -> str:
        if "\x00" in value:
            raise ValueError("text must not contain NUL characters")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("text must be valid Unicode (no lone surrogates)") from None
        return value


class ReferenceOut(BaseModel):
    """A stored reference and the hash to retire with."""

    reference_hash: str = Field(description="keccak256(UTF-8 text), 0x hex: the referenceHash")
    kind: str = Field(description="court_case")
    text: str = Field(description="The stored text")
    created_at: int = Field(description="When this node first stored it (unix seconds)")


class CaseOut(BaseModel):
    """The case a compensation retirement names: its text when this node holds the preimage."""

    reference_hash: str = Field(description="The referenceHash recorded on chain")
    kind: str | None = Field(description="court_case when the preimage is stored, else null")
    text: str | None = Field(description="The case text when a stored preimage matches")
    verified: bool = Field(
        description="True when keccak256(text) equals the on-chain referenceHash"
    )
