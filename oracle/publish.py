"""Write a run's evidence: the canonical dataset plus the line → account map it commits to.

The content-addressed folder ``<publish_dir>/<evidenceHash hex>/`` holds ``dataset.json``
(whose sha256 is the folder name and the report's evidenceHash), ``records.jsonl`` (for each
accepted input line, the carbon account it counts for) and ``quarantine.jsonl`` (each rejected
line with its reason code). The digests of both files are listed in the dataset's ``inputs``
under the sources ``oracle:records`` and ``oracle:quarantine``, so the evidence hash commits to
them too. Nothing in the folder is personal: inputs appear only as digests, participants only as
carbon-account addresses.
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from carbon_chain.dataset import FILE_NAME, Allocation, Dataset, InputDigest, MethodologyRef
from oracle.methodologies import get

RECORDS_FILE: Final = "records.jsonl"
QUARANTINE_FILE: Final = "quarantine.jsonl"
RECORDS_SOURCE: Final = "oracle:records"
QUARANTINE_SOURCE: Final = "oracle:quarantine"


@dataclass(frozen=True)
class Evidence:
    """A dataset and the bytes of its two companion files, ready to be written."""

    dataset: Dataset
    records: bytes
    quarantine: bytes

    @functools.cached_property
    def dataset_bytes(self) -> bytes:
        """Return the dataset's canonical bytes (serialized once: ~100,000 allocations)."""
        return self.dataset.canonical_bytes()

    @functools.cached_property
    def evidence_hash(self) -> bytes:
        """Return the report's evidenceHash."""
        return hashlib.sha256(self.dataset_bytes).digest()


def records_bytes(rows: Iterable[tuple[str, int, str, int]]) -> bytes:
    """Serialize ``(input sha, line, account, grams)`` rows sorted by input then line."""
    return "".join(
        f'{{"account":"{account}","grams":{grams},"input":"{sha}","line":{line}}}\n'
        for sha, line, account, grams in sorted(rows)
    ).encode()


def quarantine_bytes(rows: Iterable[tuple[str, int, str]]) -> bytes:
    """Serialize ``(input sha, line, code)`` rows; reasons stay in the oracle's store."""
    return "".join(
        f'{{"code":"{code}","input":"{sha}","line":{line}}}\n' for sha, line, code in sorted(rows)
    ).encode()


def build_evidence(
    *,
    chain_id: int,
    registry: str,
    project_id: int,
    period_start: int,
    period_end: int,
    methodology_code: str,
    methodology_version: int,
    allocations: list[tuple[str, int]],
    merkle_root: bytes,
    inputs: Iterable[tuple[str, str, int]],
    records: bytes,
    quarantine: bytes,
) -> Evidence:
    """Assemble the canonical dataset of a run.

    Args:
        chain_id: Chain the report is for.
        registry: CarbonRegistry address.
        project_id: Project id.
        period_start: Monitoring period start (inclusive).
        period_end: Monitoring period end (exclusive).
        methodology_code: Methodology code.
        methodology_version: Methodology version.
        allocations: Sorted positive ``(account, grams)``.
        merkle_root: Root of the allocation tree.
        inputs: ``(source, sha256, accepted records)`` per input.
        records: ``records.jsonl`` bytes.
        quarantine: ``quarantine.jsonl`` bytes.
    """
    methodology = get(methodology_code, methodology_version)
    digests = [InputDigest(source=s, sha256=h, records=n) for s, h, n in sorted(inputs)]
    digests.append(
        InputDigest(
            source=RECORDS_SOURCE,
            sha256=hashlib.sha256(records).hexdigest(),
            records=records.count(b"\n"),
        )
    )
    digests.append(
        InputDigest(
            source=QUARANTINE_SOURCE,
            sha256=hashlib.sha256(quarantine).hexdigest(),
            records=quarantine.count(b"\n"),
        )
    )
    dataset = Dataset(
        chain_id=chain_id,
        registry=registry,
        project_id=project_id,
        period_start=period_start,
        period_end=period_end,
        methodology=MethodologyRef(
            code=methodology.code,
            version=methodology.version,
            parameters=methodology.parameters(),
        ),
        quantity=sum(grams for _, grams in allocations),
        merkle_root="0x" + merkle_root.hex(),
        allocations=[Allocation(account=a, grams=g) for a, g in allocations],
        inputs=digests,
    )
    return Evidence(dataset=dataset, records=records, quarantine=quarantine)


def write_evidence(evidence: Evidence, root: Path) -> Path:
    """Write the companion files, then the dataset (last: its presence means complete).

    Returns:
        The dataset's folder ``<root>/<evidenceHash hex>``.
    """
    folder = root / evidence.evidence_hash.hex()
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in ((RECORDS_FILE, evidence.records), (QUARANTINE_FILE, evidence.quarantine)):
        _write_atomic(folder / name, data)
    # What Dataset.publish writes, without serializing the dataset again.
    _write_atomic(folder / FILE_NAME, evidence.dataset_bytes)
    return folder


def _write_atomic(path: Path, data: bytes) -> None:
    if path.exists() and path.stat().st_size == len(data) and path.read_bytes() == data:
        return
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    tmp.replace(path)
