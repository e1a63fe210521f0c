"""Helpers for the auditor's tests: the audited ledger, storage forging, report lookups."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eth_abi.abi import encode
from eth_utils.crypto import keccak

from auditor.cli import main
from carbon_chain.dataset import Allocation, Dataset, InputDigest, MethodologyRef
from carbon_chain.devchain import DevRegistry
from carbon_chain.eip712 import ReportPayload
from carbon_chain.merkle import AllocationTree
from carbon_chain.signer import LocalSigner

DAY = 24 * 3600
TONNE = 1_000_000


@dataclass
class AuditedLedger:
    """The ledger built for a test, and how to audit it."""

    dev: DevRegistry
    rpc: str
    manifest: Path
    datasets: Path
    out: Path
    reports: dict[str, int]
    batches: dict[str, int]
    event_id: int
    published: dict[str, Path]
    market: dict[str, int] = field(default_factory=dict)

    def audit(self, *extra: str, out: Path | None = None) -> tuple[int, dict[str, Any]]:
        """Run the auditor CLI; return its exit code and the JSON report."""
        target = out or self.out
        code = main(
            [
                "--rpc",
                self.rpc,
                "--manifest",
                str(self.manifest),
                "--datasets",
                str(self.datasets),
                "--out",
                str(target),
                "--quiet",
                *extra,
            ]
        )
        path = target / "audit.json"
        report = json.loads(path.read_text()) if path.exists() and code != 2 else {}
        return code, report

    def set_storage(self, contract: str, slot: int, value: int) -> None:
        """Overwrite one storage word (anvil only): forge state without any event."""
        self.dev.w3.provider.make_request(
            "anvil_setStorageAt",  # type: ignore[arg-type]
            [
                contract,
                "0x" + slot.to_bytes(32, "big").hex(),
                "0x" + value.to_bytes(32, "big").hex(),
            ],
        )

    @staticmethod
    def batches_slot(key: int, slot: int) -> int:
        """First storage word of `mapping(uint256 => struct)[key]` declared at `slot`."""
        return mapping_slot(key, "uint256", slot)

    def storage(self, contract: str, slot: int) -> int:
        """Read one storage word."""
        return int.from_bytes(self.dev.w3.eth.get_storage_at(contract, slot), "big")  # type: ignore[arg-type]


def mapping_slot(key: Any, key_type: str, slot: int) -> int:
    """Storage slot of `mapping[key]` declared at `slot` (Solidity layout)."""
    return int.from_bytes(keccak(encode([key_type, "uint256"], [key, slot])), "big")


def findings(report: dict[str, Any], check: str) -> list[dict[str, str]]:
    """The findings of one named check in a JSON report."""
    (found,) = [c for c in report["audit"]["checks"] if c["name"] == check]
    return list(found["findings"])


def failing(report: dict[str, Any]) -> set[str]:
    """Names of the checks that failed."""
    return {c["name"] for c in report["audit"]["checks"] if c["status"] == "fail"}


def _dataset(
    dev: DevRegistry, payload: ReportPayload, allocations: list[tuple[str, int]]
) -> Dataset:
    tree = AllocationTree(allocations)
    return Dataset(
        chain_id=dev.deployment.chain_id,
        registry=dev.deployment.registry,
        project_id=payload.project_id,
        period_start=payload.period_start,
        period_end=payload.period_end,
        methodology=MethodologyRef(
            code=payload.methodology_code, version=1, parameters={"ef": "0.5 (test)"}
        ),
        quantity=sum(g for _, g in allocations),
        merkle_root="0x" + tree.root.hex(),
        allocations=sorted(
            (Allocation(account=a, grams=g) for a, g in allocations), key=lambda x: x.account
        ),
        inputs=[InputDigest(source="test", sha256="00" * 32, records=len(allocations))],
    )


def publish_report(
    dev: DevRegistry,
    root: Path,
    project_id: int,
    code: str,
    allocations: list[tuple[str, int]],
    verifiers: list[LocalSigner] | None = None,
) -> tuple[int, Path]:
    """Publish a dataset for `allocations`, submit its report and return (report id, file)."""
    now = dev.now()
    tree = AllocationTree(allocations)
    draft = ReportPayload(
        project_id=project_id,
        period_start=now - 31 * DAY,
        period_end=now - DAY,
        quantity=sum(g for _, g in allocations),
        data_root=tree.root,
        evidence_hash=b"\x00" * 32,
        methodology_code=code,
        methodology_version=1,
        deadline=now + DAY,
    )
    dataset = _dataset(dev, draft, allocations)
    path = dataset.publish(root)
    payload = ReportPayload(**{**draft.__dict__, "evidence_hash": dataset.evidence_hash()})
    return dev.submit_report(payload, verifiers), path
