"""Inputs the auditor reads besides logs: submitReport and importCredits calldata (signatures
are in neither events nor state) and the published datasets."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from eth_abi.abi import decode
from eth_keys.datatypes import Signature
from eth_utils.abi import function_signature_to_4byte_selector
from eth_utils.address import to_checksum_address
from pydantic import ValidationError
from web3 import Web3

from auditor import rpc
from carbon_chain.dataset import FILE_NAME, Dataset
from carbon_chain.eip712 import ImportPayload, ReportPayload

REPORT_INPUT = "(uint256,uint64,uint64,uint256,bytes32,bytes32,string,uint32,uint64)"
SUBMIT_REPORT = function_signature_to_4byte_selector(f"submitReport({REPORT_INPUT},bytes[])")
IMPORT_INPUT = "(address,uint256,uint256,uint256,uint64,uint64,uint16,address,bytes32,uint64)"
IMPORT_CREDITS = function_signature_to_4byte_selector(
    f"importCredits({IMPORT_INPUT},bytes,uint256)"
)
SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


@dataclass(frozen=True)
class Submission:
    """What the oracle sent: the signed payload and the signatures, decoded from calldata."""

    sender: str
    to: str
    payload: ReportPayload
    signatures: list[bytes]


@dataclass(frozen=True)
class ImportCall:
    """What the agency sent to import credits: the partner's attested input and its signature."""

    sender: str
    to: str
    payload: ImportPayload
    attestation: bytes
    previous_start: int


def _transactions(w3: Web3, tx_hashes: list[bytes]) -> dict[bytes, Any]:
    """Fetch each transaction (batched); None for one the node does not know."""
    out: dict[bytes, Any] = {}
    unique = sorted(set(tx_hashes))
    for i in range(0, len(unique), 200):
        chunk = unique[i : i + 200]
        by_id = rpc.batch(w3, [("eth_getTransactionByHash", ["0x" + h.hex()]) for h in chunk])
        for tx_hash, resp in zip(chunk, by_id, strict=True):
            out[tx_hash] = resp.get("result")
    return out


def fetch_submissions(w3: Web3, tx_hashes: list[bytes]) -> dict[bytes, Submission | str]:
    """Decode the `submitReport` calldata of each transaction (or say why it cannot)."""
    return {h: _decode_submission(tx) for h, tx in _transactions(w3, tx_hashes).items()}


def fetch_import_calls(w3: Web3, tx_hashes: list[bytes]) -> dict[bytes, ImportCall | str]:
    """Decode the `importCredits` calldata of each transaction (or say why it cannot)."""
    return {h: _decode_import(tx) for h, tx in _transactions(w3, tx_hashes).items()}


def _decode_import(tx: Any) -> ImportCall | str:
    if not tx:
        return "transaction not found"
    data = bytes.fromhex(str(tx["input"])[2:])
    if data[:4] != IMPORT_CREDITS:
        return f"transaction calls selector 0x{data[:4].hex()}, not importCredits"
    try:
        fields, attestation, previous = decode([IMPORT_INPUT, "bytes", "uint256"], data[4:])
    except Exception as exc:  # malformed calldata is a finding, not a crash
        return f"calldata does not decode: {exc}"
    payload = ImportPayload(
        partner=to_checksum_address(fields[0]),
        origin_serial_start=fields[1],
        origin_serial_end=fields[2],
        project_id=fields[3],
        period_start=fields[4],
        period_end=fields[5],
        vintage=fields[6],
        recipient=to_checksum_address(fields[7]),
        evidence_hash=bytes(fields[8]),
        deadline=fields[9],
    )
    return ImportCall(
        sender=to_checksum_address(tx["from"]),
        to=to_checksum_address(tx["to"]) if tx.get("to") else "",
        payload=payload,
        attestation=bytes(attestation),
        previous_start=int(previous),
    )


def _decode_submission(tx: Any) -> Submission | str:
    if not tx:
        return "transaction not found"
    data = bytes.fromhex(str(tx["input"])[2:])
    if data[:4] != SUBMIT_REPORT:
        return f"transaction calls selector 0x{data[:4].hex()}, not submitReport"
    try:
        fields, signatures = decode([REPORT_INPUT, "bytes[]"], data[4:])
    except Exception as exc:  # malformed calldata is a finding, not a crash
        return f"calldata does not decode: {exc}"
    payload = ReportPayload(
        project_id=fields[0],
        period_start=fields[1],
        period_end=fields[2],
        quantity=fields[3],
        data_root=bytes(fields[4]),
        evidence_hash=bytes(fields[5]),
        methodology_code=fields[6],
        methodology_version=fields[7],
        deadline=fields[8],
    )
    return Submission(
        sender=to_checksum_address(tx["from"]),
        to=to_checksum_address(tx["to"]) if tx.get("to") else "",
        payload=payload,
        signatures=[bytes(s) for s in signatures],
    )


def recover_signer(digest: bytes, signature: bytes) -> str:
    """Recover the address that signed `digest` under the contract's rules (65 bytes, low s).

    Raises:
        ValueError: the signature is malformed or recovers no address.
    """
    if len(signature) != 65:
        raise ValueError(f"signature is {len(signature)} bytes, not 65")
    r = int.from_bytes(signature[:32], "big")
    s = int.from_bytes(signature[32:64], "big")
    v = signature[64]
    if v not in (27, 28):
        raise ValueError(f"v = {v}, not 27 or 28")
    if s > SECP256K1_N // 2:
        raise ValueError("high s (malleable signature)")
    key = Signature(vrs=(v - 27, r, s)).recover_public_key_from_msg_hash(digest)
    return to_checksum_address(key.to_checksum_address())


class DatasetSource:
    """Published datasets, from a folder or an HTTP base URL: `<root>/<hash hex>/dataset.json`."""

    def __init__(self, location: str) -> None:
        self.location = location
        self._http = location.startswith(("http://", "https://"))
        self._client = httpx.Client(timeout=30) if self._http else None

    def check_reachable(self) -> str | None:
        """Return why the source cannot be read at all, or None."""
        if not self._http and not Path(self.location).is_dir():
            return f"datasets folder {self.location} does not exist"
        return None

    def raw(self, evidence_hash: bytes) -> bytes | None:
        """Return the published bytes for `evidence_hash`, or None when nothing is published."""
        name = f"{evidence_hash.hex()}/{FILE_NAME}"
        if self._client is not None:
            resp = self._client.get(f"{self.location.rstrip('/')}/{name}")
            if resp.status_code == 404:
                return None
            resp.raise_for_status()
            return resp.content
        path = Path(self.location) / name
        return path.read_bytes() if path.is_file() else None


@dataclass(frozen=True)
class LoadedDataset:
    """A published dataset as found: raw bytes, their sha256 and the parsed model (if valid)."""

    raw: bytes
    sha256: bytes
    dataset: Dataset | None
    error: str | None


def load_dataset(source: DatasetSource, evidence_hash: bytes) -> LoadedDataset | None:
    """Read and parse one dataset; None when it is not published."""
    raw = source.raw(evidence_hash)
    if raw is None:
        return None
    digest = hashlib.sha256(raw).digest()
    try:
        return LoadedDataset(raw, digest, Dataset.model_validate_json(raw), None)
    except ValidationError as exc:
        return LoadedDataset(raw, digest, None, f"not a valid dataset: {exc.error_count()} errors")
