"""The EIP-712 types signed off-chain: the `Report` verifiers sign (CarbonRegistry.REPORT_TYPEHASH)
and the `CreditImport` a partner platform signs (CarbonMarket.IMPORT_TYPEHASH)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eth_abi.abi import encode
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak

DOMAIN_NAME = "WuhanCarbonRegistry"
MARKET_DOMAIN_NAME = "WuhanCarbonMarket"
DOMAIN_VERSION = "1"
REPORT_TYPE = (
    "Report(uint256 projectId,uint64 periodStart,uint64 periodEnd,uint256 quantity,"
    "bytes32 dataRoot,bytes32 evidenceHash,string methodologyCode,uint32 methodologyVersion,"
    "uint64 deadline)"
)
DOMAIN_TYPE = "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
DOMAIN_FIELDS = [
    {"name": "name", "type": "string"},
    {"name": "version", "type": "string"},
    {"name": "chainId", "type": "uint256"},
    {"name": "verifyingContract", "type": "address"},
]
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
    """The EIP-712 domain: bound to one chain and one contract (the registry unless named)."""

    chain_id: int
    verifying_contract: str
    name: str = DOMAIN_NAME

    def as_dict(self) -> dict[str, Any]:
        """Return the domain as eth-account expects it."""
        return {
            "name": self.name,
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
                    keccak(text=self.name),
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
            "EIP712Domain": DOMAIN_FIELDS,
            "Report": REPORT_FIELDS,
        },
        "primaryType": "Report",
        "domain": domain.as_dict(),
        "message": report.as_message(),
    }


IMPORT_TYPE = (
    "CreditImport(address partner,uint256 originSerialStart,uint256 originSerialEnd,"
    "uint256 projectId,uint64 periodStart,uint64 periodEnd,uint16 vintage,address recipient,"
    "bytes32 evidenceHash,uint64 deadline)"
)
IMPORT_FIELDS = [
    {"name": "partner", "type": "address"},
    {"name": "originSerialStart", "type": "uint256"},
    {"name": "originSerialEnd", "type": "uint256"},
    {"name": "projectId", "type": "uint256"},
    {"name": "periodStart", "type": "uint64"},
    {"name": "periodEnd", "type": "uint64"},
    {"name": "vintage", "type": "uint16"},
    {"name": "recipient", "type": "address"},
    {"name": "evidenceHash", "type": "bytes32"},
    {"name": "deadline", "type": "uint64"},
]


@dataclass(frozen=True)
class ImportPayload:
    """What a partner platform attests when its credits move here; one gram per origin serial."""

    partner: str
    origin_serial_start: int
    origin_serial_end: int
    project_id: int
    period_start: int
    period_end: int
    vintage: int
    recipient: str
    evidence_hash: bytes
    deadline: int

    @property
    def quantity(self) -> int:
        """Grams imported: the number of origin serials."""
        return self.origin_serial_end - self.origin_serial_start

    def as_tuple(self) -> tuple[Any, ...]:
        """Return the ABI tuple of `ImportInput`."""
        return (
            to_checksum_address(self.partner),
            self.origin_serial_start,
            self.origin_serial_end,
            self.project_id,
            self.period_start,
            self.period_end,
            self.vintage,
            to_checksum_address(self.recipient),
            self.evidence_hash,
            self.deadline,
        )

    def as_message(self) -> dict[str, Any]:
        """Return the EIP-712 message fields."""
        return {f["name"]: v for f, v in zip(IMPORT_FIELDS, self.as_tuple(), strict=True)}


def market_domain(chain_id: int, market: str) -> Domain:
    """Return the domain partner attestations are bound to: the CarbonMarket on this chain."""
    return Domain(chain_id=chain_id, verifying_contract=market, name=MARKET_DOMAIN_NAME)


def import_digest(domain: Domain, payload: ImportPayload) -> bytes:
    """Return the EIP-712 digest a partner platform signs for `payload`."""
    types = ["bytes32", "address", "uint256", "uint256", "uint256", "uint64", "uint64", "uint16"]
    types += ["address", "bytes32", "uint64"]
    struct_hash = keccak(encode(types, [keccak(text=IMPORT_TYPE), *payload.as_tuple()]))
    return keccak(b"\x19\x01" + domain.separator() + struct_hash)


def import_typed_data(domain: Domain, payload: ImportPayload) -> dict[str, Any]:
    """Return the full EIP-712 message a partner signs (wallets, `Signer.sign_typed_data`)."""
    return {
        "types": {
            "EIP712Domain": DOMAIN_FIELDS,
            "CreditImport": IMPORT_FIELDS,
        },
        "primaryType": "CreditImport",
        "domain": domain.as_dict(),
        "message": payload.as_message(),
    }
