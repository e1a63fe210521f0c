"""Signing requests and verifiers' EIP-712 signature files.

After publishing, the oracle writes ``<signatures_dir>/<digest hex>/request.json``: the report
payload and its domain. A verification body checks the dataset (``oracle verify``), signs and
drops ``<signer address>.json`` into the same folder; the oracle collects them, checks each
recovers to its signer, and submits at least k in ascending signer order.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_utils.address import to_checksum_address
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from carbon_chain.eip712 import Domain, ReportPayload, report_digest, report_typed_data
from carbon_chain.signer import Signer
from oracle.errors import NotFoundError, SignatureError

REQUEST_FILE: Final = "request.json"


class SigningRequest(BaseModel):
    """The report a verifier is asked to sign, with the domain it is bound to."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    chain_id: int
    registry: str = Field(description="CarbonRegistry address (EIP-712 verifying contract)")
    project_id: int
    period_start: int
    period_end: int
    quantity: int
    data_root: str = Field(description="0x Merkle root")
    evidence_hash: str = Field(description="0x sha256 of dataset.json")
    methodology_code: str
    methodology_version: int
    deadline: int
    digest: str = Field(description="0x EIP-712 digest of the above")

    @classmethod
    def of(cls, domain: Domain, payload: ReportPayload) -> SigningRequest:
        """Build the request for a payload."""
        return cls(
            chain_id=domain.chain_id,
            registry=to_checksum_address(domain.verifying_contract),
            project_id=payload.project_id,
            period_start=payload.period_start,
            period_end=payload.period_end,
            quantity=payload.quantity,
            data_root="0x" + payload.data_root.hex(),
            evidence_hash="0x" + payload.evidence_hash.hex(),
            methodology_code=payload.methodology_code,
            methodology_version=payload.methodology_version,
            deadline=payload.deadline,
            digest="0x" + report_digest(domain, payload).hex(),
        )

    @property
    def domain(self) -> Domain:
        """Return the EIP-712 domain."""
        return Domain(self.chain_id, self.registry)

    @property
    def payload(self) -> ReportPayload:
        """Return the report payload."""
        return ReportPayload(
            project_id=self.project_id,
            period_start=self.period_start,
            period_end=self.period_end,
            quantity=self.quantity,
            data_root=bytes.fromhex(self.data_root.removeprefix("0x")),
            evidence_hash=bytes.fromhex(self.evidence_hash.removeprefix("0x")),
            methodology_code=self.methodology_code,
            methodology_version=self.methodology_version,
            deadline=self.deadline,
        )


class SignatureFile(BaseModel):
    """One verifier's signature over a request's digest."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    signer: str
    digest: str
    signature: str


def request_folder(signatures_dir: Path, digest: bytes) -> Path:
    """Return the folder where a digest's request and signatures live."""
    return signatures_dir / digest.hex()


def write_request(signatures_dir: Path, request: SigningRequest) -> Path:
    """Write ``request.json`` for verifiers; returns its path."""
    folder = signatures_dir / request.digest.removeprefix("0x")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / REQUEST_FILE
    path.write_text(request.model_dump_json(indent=2) + "\n")
    return path


def load_request(path: Path) -> SigningRequest:
    """Read a signing request and check its digest matches its fields.

    Raises:
        NotFoundError: no such file.
        SignatureError: malformed, or the digest does not match the payload.
    """
    try:
        request = SigningRequest.model_validate_json(path.read_bytes())
    except FileNotFoundError:
        raise NotFoundError(f"signing request {path} not found") from None
    except ValidationError as error:
        raise SignatureError(f"signing request {path} is malformed: {error}") from None
    expected = "0x" + report_digest(request.domain, request.payload).hex()
    if expected != request.digest:
        raise SignatureError(f"signing request {path}: digest does not match its payload")
    return request


def sign_request(request: SigningRequest, signer: Signer, folder: Path) -> Path:
    """Sign a request's report with a verifier key and write ``<address>.json``."""
    signature = signer.sign_typed_data(report_typed_data(request.domain, request.payload))
    entry = SignatureFile(
        signer=signer.address, digest=request.digest, signature="0x" + signature.hex()
    )
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{signer.address}.json"
    path.write_text(entry.model_dump_json(indent=2) + "\n")
    return path


def recover_signer(request: SigningRequest, signature: bytes) -> str:
    """Return the address that produced an EIP-712 signature over the request's report."""
    signable = encode_typed_data(full_message=report_typed_data(request.domain, request.payload))
    return str(Account.recover_message(signable, signature=signature))


@dataclass
class Collected:
    """Valid signatures (ascending by signer) and the reasons others were refused."""

    signers: list[str] = field(default_factory=list)
    signatures: list[bytes] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


def collect(
    folder: Path, request: SigningRequest, is_verifier: Callable[[str], bool] | None = None
) -> Collected:
    """Read every signature file in ``folder`` and keep the valid ones.

    Args:
        folder: The request's folder.
        request: The request the signatures must be over.
        is_verifier: Optional check (on chain) that a signer is an active verifier.
    """
    found: dict[str, bytes] = {}
    refused: list[str] = []
    for path in sorted(folder.glob("0x*.json")):
        try:
            entry = SignatureFile.model_validate_json(path.read_bytes())
            signature = bytes.fromhex(entry.signature.removeprefix("0x"))
            recovered = recover_signer(request, signature)
        except (ValidationError, ValueError) as error:
            refused.append(f"{path.name}: unreadable ({str(error)[:80]})")
            continue
        if entry.digest != request.digest:
            refused.append(f"{path.name}: signs another digest")
        elif recovered != to_checksum_address(entry.signer):
            refused.append(f"{path.name}: signature recovers to {recovered}, not {entry.signer}")
        elif is_verifier is not None and not is_verifier(recovered):
            refused.append(f"{path.name}: {recovered} is not an active verifier")
        else:
            found[recovered] = signature
    ordered = sorted(found, key=lambda address: int(address, 16))
    return Collected(ordered, [found[a] for a in ordered], refused)


def dump_json(value: object) -> str:
    """Return indented JSON for CLI output."""
    return json.dumps(value, indent=2, sort_keys=True, default=str)
