"""The published dataset of a report: what the oracle writes and the auditor and verifiers read.

A dataset is one canonical JSON document (sorted keys, no spaces, UTF-8, integers for amounts).
Its sha256 is the report's `evidenceHash`; it is published in a content-addressed folder
`<root>/<evidenceHash hex>/dataset.json`. It holds only pseudonymous data: carbon-account
addresses, methodology parameters and digests of the input files.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

FORMAT = "whci-dataset-v1"
FILE_NAME = "dataset.json"


class Allocation(BaseModel):
    """One participant's share of a report, in integer grams."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    account: str = Field(description="Carbon-account address (0x, checksummed)")
    grams: int = Field(gt=0, description="Reduction allocated to the account, grams CO2e")


class InputDigest(BaseModel):
    """A digest of one ingested input file or push batch (the data itself stays private)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    source: str = Field(description="Feed name, e.g. metro, bikeshare, grid")
    sha256: str = Field(description="sha256 hex of the input as received")
    records: int = Field(ge=0, description="Accepted records taken from this input")


class MethodologyRef(BaseModel):
    """The methodology and the exact parameters the calculation used."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    code: str
    version: int
    parameters: dict[str, str] = Field(description="Emission factors with their citations")


class Dataset(BaseModel):
    """The evidence behind one report."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    format: str = Field(default=FORMAT, description="Schema version of this document")
    chain_id: int
    registry: str = Field(description="CarbonRegistry address the report is for")
    project_id: int
    period_start: int = Field(description="Monitoring period start, unix seconds (inclusive)")
    period_end: int = Field(description="Monitoring period end, unix seconds (exclusive)")
    methodology: MethodologyRef
    quantity: int = Field(gt=0, description="Σ allocations, grams: the report's quantity")
    merkle_root: str = Field(description="0x root of the allocation tree: the report's dataRoot")
    allocations: list[Allocation] = Field(description="Sorted by account, one per account")
    inputs: list[InputDigest]

    @field_validator("format")
    @classmethod
    def _known_format(cls, value: str) -> str:
        if value != FORMAT:
            raise ValueError(f"unknown dataset format {value!r}; expected {FORMAT}")
        return value

    def canonical_bytes(self) -> bytes:
        """Return the canonical serialization whose sha256 is the evidence hash."""
        return canonical_json(self.model_dump(mode="json"))

    def evidence_hash(self) -> bytes:
        """Return sha256 of the canonical serialization (the on-chain evidenceHash)."""
        return hashlib.sha256(self.canonical_bytes()).digest()

    def publish(self, root: Path) -> Path:
        """Write the dataset into `<root>/<evidence hash>/dataset.json` and return that path."""
        folder = root / self.evidence_hash().hex()
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / FILE_NAME
        data = self.canonical_bytes()
        if not path.exists() or path.read_bytes() != data:
            tmp = path.with_suffix(".tmp")
            tmp.write_bytes(data)
            tmp.replace(path)  # atomic: a reader never sees half a dataset
        return path


def canonical_json(value: Any) -> bytes:
    """Serialize JSON deterministically: sorted keys, no whitespace, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def load_published(root: Path, evidence_hash: bytes) -> tuple[Dataset, bytes]:
    """Read a published dataset and its raw bytes (check the hash on the bytes, not the model).

    Raises:
        FileNotFoundError: nothing is published under that evidence hash.
    """
    raw = (root / evidence_hash.hex() / FILE_NAME).read_bytes()
    return Dataset.model_validate_json(raw), raw
