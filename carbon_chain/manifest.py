"""The deployment manifest: what every other part reads to find the registry on a chain."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field


class Deployment(BaseModel):
    """Where the registry lives and how it was built."""

    chain_id: int = Field(description="EIP-155 chain id the contracts are deployed on")
    registry: str = Field(description="CarbonRegistry address (checksummed)")
    ledger: str = Field(description="CarbonLedger address (checksummed)")
    market: str = Field(
        description="CarbonMarket address (checksummed): compliance use, imports, redemptions"
    )
    deploy_block: int = Field(description="Block of the first deployment transaction")
    deploy_block_hash: str = Field(description="Hash of that block, to detect a replaced chain")
    compiler: str = Field(description="Full solc version the bytecode came from")
    abi_hashes: dict[str, str] = Field(description="sha256 of each contract's canonical ABI")

    def save(self, path: Path) -> None:
        """Write the manifest as JSON."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.model_dump_json(indent=2) + "\n")

    @classmethod
    def load(cls, path: Path) -> Deployment:
        """Read a manifest written by `save`."""
        return cls.model_validate_json(path.read_text())
