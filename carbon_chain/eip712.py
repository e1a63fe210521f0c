"""The EIP-712 `Report` type verifiers sign; must match CarbonRegistry.REPORT_TYPEHASH."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eth_abi.abi import encode
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak

DOMAIN_NAME = "WuhanCarbonRegistry"
DOMAIN_VERSION = "1"
REPORT_TYPE = (
    "Report(uint256 projectId,uint64 periodStart,uint64 periodEnd,uint256 quantity,"
    "bytes32 dataRoot,bytes32 evidenceHash,string methodologyCode,uint32 methodologyVersion,"
    "uint64 deadline)"
)
DOMAIN_TYPE = "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
# abi types of hashStruct(Report): typehash, then each field (the string as its keccak).
STRUCT_TYPES = ["bytes32", "uint256", "uint64", "uint64", "uint256", "bytes32", "bytes32"]
STRUCT_TYPES += ["bytes32", "uint32", "uint64"]
REPORT_FIELDS = [
    {"name": "projectId", "type": "uint256"},
    {"name": "periodStart", "type": "uint64"},
    {"name": "periodEnd", "type": "uint64"},
    {"name": "quantity", "type": "uint256"},
    {"name": "dataRoot", "type": "bytes32"},
    {"name": "evidenceHash", "type": "bytes32"},
    {"name": "methodologyCode", "type": "string"},
    {"name": "methodologyVersion", "type": "uint32"},
    {"name": "deadline", "type": "uint64"},
]


@dataclass(frozen=True)
class ReportPayload:
    """What the oracle submits and verifiers sign; amounts in integer grams."""

    project_id: int
    period_start: int
    period_end: int
    quantity: int
    data_root: bytes
    evidence_hash: bytes
    methodology_code: str
    methodology_version: int
    deadline: int

    def as_tuple(self) -> tuple[Any, ...]:
        """Return the ABI tuple for `submitReport(ReportInput, bytes[])`."""
        return (
            self.project_id,
            self.period_start,
            self.period_end,
            self.quantity,
            self.data_root,
            self.evidence_hash,
            self.methodology_code,
            self.methodology_version,
            self.deadline,
        )

    def as_message(self) -> dict[str, Any]:
        """Return the EIP-712 message fields."""
        return {
            "projectId": self.project_id,
            "periodStart": self.period_start,
            "periodEnd": self.period_end,
            "quantity": self.quantity,
            "dataRoot": self.data_root,
            "evidenceHash": self.evidence_hash,
            "methodologyCode": self.methodology_code,
            "methodologyVersion": self.methodology_version,
            "deadline": self.deadline,
        }


@dataclass(frozen=True)
class Domain:
    """The EIP-712 domain: bound to one chain and one registry contract."""

    chain_id: int
    verifying_contract: str

    def as_dict(self) -> dict[str, Any]:
        """Return the domain as eth-account expects it."""
        return {
            "name": DOMAIN_NAME,
            "version": DOMAIN_VERSION,
            "chainId": self.chain_id,
            "verifyingContract": to_checksum_address(self.verifying_contract),
        }

    def separator(self) -> bytes:
        """Return the domain separator."""
        return keccak(
            encode(
                ["bytes32", "bytes32", "bytes32", "uint256", "address"],
                [
                    keccak(text=DOMAIN_TYPE),
                    keccak(text=DOMAIN_NAME),
                    keccak(text=DOMAIN_VERSION),
                    self.chain_id,
                    to_checksum_address(self.verifying_contract),
                ],
            )
        )


def report_struct_hash(report: ReportPayload) -> bytes:
    """Return hashStruct(Report)."""
    return keccak(
        encode(
            STRUCT_TYPES,
            [
                keccak(text=REPORT_TYPE),
                report.project_id,
                report.period_start,
                report.period_end,
                report.quantity,
                report.data_root,
                report.evidence_hash,
                keccak(text=report.methodology_code),
                report.methodology_version,
                report.deadline,
            ],
        )
    )


def report_digest(domain: Domain, report: ReportPayload) -> bytes:
    """Return the EIP-712 digest a verifier signs for `report`."""
    return keccak(b"\x19\x01" + domain.separator() + report_struct_hash(report))


def report_typed_data(domain: Domain, report: ReportPayload) -> dict[str, Any]:
    """Return the full EIP-712 message (for wallets and `Signer.sign_typed_data`)."""
    return {
        "types": {
            "EIP712Domain": [
                {"name": "name", "type": "string"},
                {"name": "version", "type": "string"},
                {"name": "chainId", "type": "uint256"},
                {"name": "verifyingContract", "type": "address"},
            ],
            "Report": REPORT_FIELDS,
        },
        "primaryType": "Report",
        "domain": domain.as_dict(),
        "message": report.as_message(),
    }
