"""A verification body's independent recomputation of a published dataset.

The verifier receives the input files (from the partners or the operator), the published folder
and the signing request. It trusts only the line → account map (the private enrollment is the
oracle's), and recomputes everything else: that each input is the one the dataset lists, that
every line is accounted for exactly once, that each accepted line passes validation in the
period, the grams per line with its own copy of the methodology, the allocations, the Merkle root,
the dataset's bytes and hence the evidence hash, and that the request's payload matches.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

from carbon_chain.dataset import FILE_NAME, Dataset
from oracle.allocate import aggregate, build_tree
from oracle.attest import SigningRequest
from oracle.errors import VerificationError
from oracle.publish import (
    QUARANTINE_FILE,
    QUARANTINE_SOURCE,
    RECORDS_FILE,
    RECORDS_SOURCE,
    build_evidence,
)
from oracle.sources import FEEDS, FeedSpec, InputFormat, Period, RecordRejected
from oracle.sources._base import parse_input


def index_inputs(paths: Iterable[Path]) -> dict[str, Path]:
    """Return sha256 hex → file for every file under the given files or folders."""
    found: dict[str, Path] = {}
    for path in paths:
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            found[hashlib.sha256(file.read_bytes()).hexdigest()] = file
    return found


def detect_format(data: bytes) -> InputFormat:
    """Return JSONL if the first non-blank byte opens a JSON object, else CSV."""
    return InputFormat.JSONL if data.lstrip()[:1] == b"{" else InputFormat.CSV


def verify_published(
    request: SigningRequest, published_root: Path, inputs: dict[str, Path]
) -> Dataset:
    """Recompute the dataset a request refers to and compare it byte for byte.

    Args:
        request: The signing request (payload and domain).
        published_root: Root of the content-addressed dataset folders.
        inputs: sha256 → input file, from ``index_inputs``.

    Returns:
        The verified dataset.

    Raises:
        VerificationError: anything disagrees; the message says what.
    """
    evidence_hex = request.evidence_hash.removeprefix("0x")
    folder = published_root / evidence_hex
    try:
        raw = (folder / FILE_NAME).read_bytes()
        records_raw = (folder / RECORDS_FILE).read_bytes()
        quarantine_raw = (folder / QUARANTINE_FILE).read_bytes()
    except FileNotFoundError as error:
        raise VerificationError(f"published dataset incomplete: {error.filename} missing") from None
    if hashlib.sha256(raw).hexdigest() != evidence_hex:
        raise VerificationError(
            f"REFUSED: {folder / FILE_NAME} does not hash to {evidence_hex}: "
            "the dataset was tampered with or corrupted"
        )
    dataset = Dataset.model_validate_json(raw)
    _check_request(request, dataset)
    digests = {entry.source: entry for entry in dataset.inputs}
    for source, data in ((RECORDS_SOURCE, records_raw), (QUARANTINE_SOURCE, quarantine_raw)):
        entry = digests.get(source)
        if entry is None or entry.sha256 != hashlib.sha256(data).hexdigest():
            raise VerificationError(f"REFUSED: {source} file does not match the dataset's digest")
    spec = _feed_of(dataset)
    accounts = _line_accounts(records_raw)
    quarantined = _quarantined_lines(quarantine_raw)
    period = Period(dataset.project_id, dataset.period_start, dataset.period_end)
    rows: list[tuple[str, int, str, int]] = []
    listed: list[tuple[str, str, int]] = []
    for entry in dataset.inputs:
        if entry.source in (RECORDS_SOURCE, QUARANTINE_SOURCE):
            continue
        path = inputs.get(entry.sha256)
        if path is None:
            raise VerificationError(f"input {entry.sha256} ({entry.source}) was not provided")
        accepted = _recompute_input(entry.sha256, path, spec, period, accounts, quarantined, rows)
        if accepted != entry.records:
            raise VerificationError(
                f"input {entry.sha256}: {accepted} lines accepted, dataset says {entry.records}"
            )
        listed.append((entry.source, entry.sha256, accepted))
    if accounts or quarantined:
        stray = sorted([*accounts, *quarantined])[0]
        raise VerificationError(f"evidence lists line {stray[1]} of unknown input {stray[0]}")
    allocations = aggregate((account, grams) for _, _, account, grams in rows)
    if not allocations:
        raise VerificationError("REFUSED: the inputs give no reduction at all")
    tree = build_tree(allocations)
    expected = build_evidence(
        chain_id=dataset.chain_id,
        registry=dataset.registry,
        project_id=dataset.project_id,
        period_start=dataset.period_start,
        period_end=dataset.period_end,
        methodology_code=spec.methodology_code,
        methodology_version=spec.methodology_version,
        allocations=allocations,
        merkle_root=tree.root,
        inputs=listed,
        records=records_raw,
        quarantine=quarantine_raw,
    ).dataset
    if expected.canonical_bytes() != raw:
        raise VerificationError("REFUSED: recomputation differs: " + _difference(expected, dataset))
    return dataset


def _check_request(request: SigningRequest, dataset: Dataset) -> None:
    pairs = {
        "chain_id": (request.chain_id, dataset.chain_id),
        "registry": (request.registry.lower(), dataset.registry.lower()),
        "project_id": (request.project_id, dataset.project_id),
        "period_start": (request.period_start, dataset.period_start),
        "period_end": (request.period_end, dataset.period_end),
        "quantity": (request.quantity, dataset.quantity),
        "data_root": (request.data_root, dataset.merkle_root),
        "methodology_code": (request.methodology_code, dataset.methodology.code),
        "methodology_version": (request.methodology_version, dataset.methodology.version),
    }
    wrong = [name for name, (asked, published) in pairs.items() if asked != published]
    if wrong:
        raise VerificationError(
            f"REFUSED: the report to sign disagrees with the dataset on {', '.join(wrong)}"
        )


def _feed_of(dataset: Dataset) -> FeedSpec:
    key = (dataset.methodology.code, dataset.methodology.version)
    for spec in FEEDS.values():
        if (spec.methodology_code, spec.methodology_version) == key:
            return spec
    raise VerificationError(f"no feed computes methodology {key[0]} v{key[1]}")


def _line_accounts(records_raw: bytes) -> dict[tuple[str, int], str]:
    accounts: dict[tuple[str, int], str] = {}
    for text in records_raw.splitlines():
        entry = json.loads(text)
        accounts[(entry["input"], entry["line"])] = entry["account"]
    return accounts


def _quarantined_lines(quarantine_raw: bytes) -> set[tuple[str, int]]:
    return {
        (entry["input"], entry["line"]) for entry in map(json.loads, quarantine_raw.splitlines())
    }


def _recompute_input(
    sha: str,
    path: Path,
    spec: FeedSpec,
    period: Period,
    accounts: dict[tuple[str, int], str],
    quarantined: set[tuple[str, int]],
    rows: list[tuple[str, int, str, int]],
) -> int:
    """Recompute one input's accepted lines into ``rows``; returns how many were accepted."""
    data = path.read_bytes()
    accepted = 0
    seen_ids: set[str] = set()
    for raw in parse_input(data, detect_format(data)):
        key = (sha, raw.line)
        account = accounts.pop(key, None)
        if account is None:
            if key not in quarantined:
                raise VerificationError(
                    f"input {sha} line {raw.line} is neither accepted nor quarantined"
                )
            quarantined.discard(key)
            continue
        if key in quarantined:
            raise VerificationError(f"input {sha} line {raw.line} is both accepted and quarantined")
        if raw.row is None:
            raise VerificationError(f"input {sha} line {raw.line} was accepted but: {raw.error}")
        try:
            record = spec.validate(raw.row, raw.line, period)
        except RecordRejected as error:
            raise VerificationError(
                f"input {sha} line {raw.line} was accepted but fails: {error}"
            ) from None
        if record.record_id in seen_ids:
            raise VerificationError(f"input {sha} line {raw.line}: record id accepted twice")
        seen_ids.add(record.record_id)
        rows.append((sha, raw.line, account, record.grams))
        accepted += 1
    return accepted


def _difference(expected: Dataset, published: Dataset) -> str:
    if expected.quantity != published.quantity:
        return f"quantity {published.quantity} g published, {expected.quantity} g recomputed"
    if expected.merkle_root != published.merkle_root:
        return f"Merkle root {published.merkle_root} published, {expected.merkle_root} recomputed"
    for mine, theirs in zip(expected.allocations, published.allocations, strict=False):
        if mine != theirs:
            return f"allocation of {theirs.account}: {theirs.grams} g published, {mine.grams} g"
    if expected.methodology != published.methodology:
        return "methodology parameters differ from this verifier's copy"
    return "the documents differ (inputs or layout)"
