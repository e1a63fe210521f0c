"""The operations the node signs: one strict request model and one (contract, function) each.

This module is the whole answer to "what can the node's keys be made to sign". A caller names
an operation and fills its model; the node encodes the call itself. There is no way to pass
calldata, a target address or a hash to sign (confused-deputy defence, FAULTS row 21), and each
key's role limits it to the (contract, selector) pairs of its role's operations.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal, cast

from eth_abi.abi import encode
from eth_typing import ABIFunction
from eth_utils.abi import function_abi_to_4byte_selector
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from carbon_chain.abi import load_abi
from carbon_chain.domain import (
    AccountKind,
    AccountStatus,
    CancellationKind,
    MethodologyKind,
    RetirementPurpose,
)
from registry_node.common.types import Address, Hash32
from registry_node.tx.settings import Role

Contract = Literal["registry", "ledger"]
CONTRACT_NAMES: dict[Contract, str] = {"registry": "CarbonRegistry", "ledger": "CarbonLedger"}

UINT64_MAX = 2**64 - 1
# Amounts are whole grams; the ledger stores them as uint64 (docs/spec.md).
Grams = Annotated[
    int, Field(ge=1, le=UINT64_MAX, description="Integer grams of CO2e (a JSON integer)")
]
ChainId = Annotated[int, Field(ge=1, le=UINT64_MAX, description="On-chain id (1, 2, ...)")]
Region = Annotated[int, Field(ge=100000, le=999999, description="GB/T 2260 region code")]
Reason = Annotated[str, Field(min_length=1, max_length=500, description="Kept in the event")]
Timestamp = Annotated[int, Field(ge=1, le=2**40 - 1, description="Unix seconds")]


def _signature(value: str) -> str:
    body = value.removeprefix("0x")
    if not value.startswith("0x") or len(body) != 130:
        raise ValueError("must be a 0x-prefixed 65-byte signature (132 characters)")
    bytes.fromhex(body)
    return value.lower()


Signature65 = Annotated[str, AfterValidator(_signature)]


def _b32(value: str) -> bytes:
    return bytes.fromhex(value[2:])


class OpRequest(BaseModel, ABC):
    """Base of every operation's body: strict types, unknown fields refused."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    @abstractmethod
    def args(self, sender: str) -> list[Any]:
        """Return the contract function's arguments; `sender` is the signing key's address."""


class RegisterAccount(OpRequest):
    """Register a carbon account (ACTIVE) for an address."""

    account: Address = Field(description="The account's address (EIP-55 checksummed)")
    kind: Literal[
        "AGENCY",
        "VERIFIER",
        "ORACLE",
        "ENTERPRISE",
        "INDIVIDUAL",
        "ORGANISER",
        "AUDITOR",
        "PARTNER_REGISTRY",
        "BUFFER",
    ] = Field(description="Account kind, fixed at registration")
    region: Region
    record_hash: Hash32 = Field(description="Hash of the off-chain registration record")

    def args(self, sender: str) -> list[Any]:
        return [self.account, int(AccountKind[self.kind]), self.region, _b32(self.record_hash)]


class RegisterMethodology(OpRequest):
    """Register an approved methodology or personal scenario."""

    code: str = Field(min_length=1, max_length=32, description="e.g. WHCI-GT-001")
    version: int = Field(ge=1, le=2**32 - 1)
    sector: str = Field(min_length=1, max_length=32)
    kind: Literal["PROJECT", "PERSONAL_SCENARIO"]
    document_hash: Hash32 = Field(description="sha256 of the approved text")
    point_validity: int = Field(
        default=0, ge=0, le=UINT64_MAX, description="Seconds points stay valid; 0 for PROJECT"
    )

    def args(self, sender: str) -> list[Any]:
        return [
            self.code,
            self.version,
            self.sector,
            int(MethodologyKind[self.kind]),
            _b32(self.document_hash),
            self.point_validity,
        ]


class ProposeProject(OpRequest):
    """Propose a project; it enters its public-notice period."""

    methodology_id: ChainId
    proponent: Address
    region: Region
    metadata_hash: Hash32
    metadata_uri: str = Field(max_length=256)

    def args(self, sender: str) -> list[Any]:
        return [
            self.methodology_id,
            self.proponent,
            self.region,
            _b32(self.metadata_hash),
            self.metadata_uri,
        ]


class RegisterProject(OpRequest):
    """Register a proposed project once its notice period has passed."""

    project_id: ChainId

    def args(self, sender: str) -> list[Any]:
        return [self.project_id]


class SubmitReport(OpRequest):
    """Submit a report with its verifiers' EIP-712 signatures (the node signs as the oracle)."""

    project_id: ChainId
    period_start: int = Field(ge=0, le=UINT64_MAX)
    period_end: int = Field(ge=1, le=UINT64_MAX)
    quantity: Grams
    data_root: Hash32
    evidence_hash: Hash32
    methodology_code: str = Field(min_length=1, max_length=32)
    methodology_version: int = Field(ge=1, le=2**32 - 1)
    deadline: int = Field(ge=1, le=UINT64_MAX)
    signatures: list[Signature65] = Field(
        min_length=1, max_length=64, description="Verifier signatures, ascending signer order"
    )

    def args(self, sender: str) -> list[Any]:
        report = (
            self.project_id,
            self.period_start,
            self.period_end,
            self.quantity,
            _b32(self.data_root),
            _b32(self.evidence_hash),
            self.methodology_code,
            self.methodology_version,
            self.deadline,
        )
        return [report, [bytes.fromhex(s[2:]) for s in self.signatures]]


class RejectReport(OpRequest):
    """Reject a verified report against which nothing was issued."""

    report_id: ChainId
    reason: Reason

    def args(self, sender: str) -> list[Any]:
        return [self.report_id, self.reason]


class IssueToProponent(OpRequest):
    """Issue a batch against a verified report to the project's proponent (and buffer)."""

    report_id: ChainId
    quantity: Grams
    vintage: int = Field(ge=2000, le=2200)
    buffer_bps: int = Field(default=0, ge=0, le=5000, description="Buffer share, basis points")

    def args(self, sender: str) -> list[Any]:
        return [self.report_id, self.quantity, self.vintage, self.buffer_bps]


class IssueDistribution(OpRequest):
    """Issue a batch whose allocations are claimed with Merkle proofs."""

    report_id: ChainId
    quantity: Grams
    vintage: int = Field(ge=2000, le=2200)
    buffer_bps: int = Field(default=0, ge=0, le=5000)
    merkle_root: Hash32
    claim_window: int = Field(ge=1, le=3650 * 86400, description="Seconds claims stay open")

    def args(self, sender: str) -> list[Any]:
        return [
            self.report_id,
            self.quantity,
            self.vintage,
            self.buffer_bps,
            _b32(self.merkle_root),
            self.claim_window,
        ]


class Claim(OpRequest):
    """Claim an allocation of a distribution for `account` (the node relays and pays gas)."""

    batch_id: ChainId
    account: Address
    amount: Grams
    proof: list[Hash32] = Field(max_length=64, description="Merkle proof, leaf to root")

    def args(self, sender: str) -> list[Any]:
        return [self.batch_id, self.account, self.amount, [_b32(p) for p in self.proof]]


class Transfer(OpRequest):
    """Transfer credits from the signing key's own account (never as an operator)."""

    to: Address
    batch_id: ChainId
    amount: Grams

    def args(self, sender: str) -> list[Any]:
        return [sender, self.to, self.batch_id, self.amount, b""]


class Retire(OpRequest):
    """Retire the signing key's credits for a beneficiary and purpose (not an event)."""

    batch_id: ChainId
    amount: Grams
    beneficiary: Address
    purpose: Literal[
        "VOLUNTARY", "COMPLIANCE_OFFSET", "ECOLOGICAL_COMPENSATION", "INCENTIVE_REDEMPTION"
    ] = Field(description="EVENT_NEUTRALITY goes through retire_for_event")
    reference_hash: Hash32
    region: Region

    def args(self, sender: str) -> list[Any]:
        return [
            self.batch_id,
            self.amount,
            self.beneficiary,
            int(RetirementPurpose[self.purpose]),
            _b32(self.reference_hash),
            self.region,
        ]


class RetireForEvent(OpRequest):
    """Retire the signing key's credits against a registered large event."""

    event_id: ChainId
    batch_id: ChainId
    amount: Grams

    def args(self, sender: str) -> list[Any]:
        return [self.event_id, self.batch_id, self.amount]


class RegisterEvent(OpRequest):
    """Register a large event with its footprint (the signing key must be an ORGANISER)."""

    name: str = Field(min_length=1, max_length=128)
    region: Region
    starts_at: Timestamp
    ends_at: Timestamp
    footprint: Grams
    evidence_hash: Hash32

    def args(self, sender: str) -> list[Any]:
        return [
            self.name,
            self.region,
            self.starts_at,
            self.ends_at,
            self.footprint,
            _b32(self.evidence_hash),
        ]


class Cancel(OpRequest):
    """Cancel (invalidate or expire) a holder's credits of one batch."""

    batch_id: ChainId
    holder: Address
    amount: Grams
    kind: Literal["INVALIDATION", "EXPIRY"]
    reference_hash: Hash32
    reason: Reason

    def args(self, sender: str) -> list[Any]:
        return [
            self.batch_id,
            self.holder,
            self.amount,
            int(CancellationKind[self.kind]),
            _b32(self.reference_hash),
            self.reason,
        ]


class CancelUnclaimed(OpRequest):
    """Cancel the unclaimed remainder of a distribution after its claim window."""

    batch_id: ChainId
    reason: Reason

    def args(self, sender: str) -> list[Any]:
        return [self.batch_id, self.reason]


class Freeze(OpRequest):
    """Freeze an ACTIVE account: it keeps its balance but cannot move it."""

    account: Address
    reason: Reason

    def args(self, sender: str) -> list[Any]:
        return [self.account, int(AccountStatus.FROZEN), self.reason]


class Unfreeze(OpRequest):
    """Return a FROZEN account to ACTIVE."""

    account: Address
    reason: Reason

    def args(self, sender: str) -> list[Any]:
        return [self.account, int(AccountStatus.ACTIVE), self.reason]


class Recover(OpRequest):
    """Move a FROZEN individual's balances of the listed batches to a new ACTIVE individual."""

    lost: Address
    replacement: Address
    batch_ids: list[ChainId] = Field(min_length=1, max_length=100)

    def args(self, sender: str) -> list[Any]:
        return [self.lost, self.replacement, list(self.batch_ids)]


@dataclass(frozen=True)
class Operation:
    """One signable operation: its request model and the single function it calls."""

    name: str
    model: type[OpRequest]
    contract: Contract
    function: str

    @property
    def summary(self) -> str:
        """First line of the model's docstring."""
        return (self.model.__doc__ or self.name).strip().splitlines()[0]


OPERATIONS: dict[str, Operation] = {
    op.name: op
    for op in (
        Operation("register_account", RegisterAccount, "ledger", "registerAccount"),
        Operation("register_methodology", RegisterMethodology, "registry", "registerMethodology"),
        Operation("propose_project", ProposeProject, "registry", "proposeProject"),
        Operation("register_project", RegisterProject, "registry", "registerProject"),
        Operation("submit_report", SubmitReport, "registry", "submitReport"),
        Operation("reject_report", RejectReport, "registry", "rejectReport"),
        Operation("issue", IssueToProponent, "ledger", "issueToProponent"),
        Operation("issue_distribution", IssueDistribution, "ledger", "issueDistribution"),
        Operation("claim", Claim, "ledger", "claim"),
        Operation("transfer", Transfer, "ledger", "safeTransferFrom"),
        Operation("retire", Retire, "ledger", "retire"),
        Operation("retire_for_event", RetireForEvent, "ledger", "retireForEvent"),
        Operation("register_event", RegisterEvent, "registry", "registerEvent"),
        Operation("cancel", Cancel, "ledger", "cancelCredits"),
        Operation("cancel_unclaimed", CancelUnclaimed, "ledger", "cancelUnclaimed"),
        Operation("freeze", Freeze, "ledger", "setAccountStatus"),
        Operation("unfreeze", Unfreeze, "ledger", "setAccountStatus"),
        Operation("recover", Recover, "ledger", "recoverAccount"),
    )
}

# `relay` is not a signing operation: it lets a token use POST /v1/tx/raw.
RELAY = "relay"

_HOLDER = frozenset({"transfer", "retire", "retire_for_event", "claim"})
_REGISTRAR = frozenset(
    {
        "register_account",
        "register_methodology",
        "propose_project",
        "register_project",
        "freeze",
        "unfreeze",
        "recover",
    }
)
_ISSUER = frozenset({"reject_report", "issue", "issue_distribution", "cancel", "cancel_unclaimed"})

# Which operations a key of each role may sign (mirrors docs/spec.md §3, "who may call").
ROLE_OPS: Mapping[Role, frozenset[str]] = {
    "agency": _REGISTRAR | _ISSUER | {"claim"},
    "registrar": _REGISTRAR,
    "issuer": _ISSUER | {"claim"},
    "oracle": frozenset({"submit_report", "claim"}),
    "organiser": _HOLDER | {"register_event"},
    "holder": _HOLDER,
}


def _abi_type(param: dict[str, Any]) -> str:
    if param["type"].startswith("tuple"):
        inner = ",".join(_abi_type(c) for c in param["components"])
        return f"({inner}){param['type'][5:]}"
    return str(param["type"])


def function_signatures(contract: Contract) -> dict[str, tuple[bytes, list[str]]]:
    """Return name → (selector, argument types) of every state-changing function."""
    out: dict[str, tuple[bytes, list[str]]] = {}
    for item in load_abi(CONTRACT_NAMES[contract]):
        if item.get("type") == "function" and item.get("stateMutability") in (
            "nonpayable",
            "payable",
        ):
            selector = function_abi_to_4byte_selector(cast(ABIFunction, item))
            out[item["name"]] = (selector, [_abi_type(i) for i in item["inputs"]])
    return out


def function_selectors(contract: Contract) -> dict[str, bytes]:
    """Return name → 4-byte selector of every state-changing function of `contract`."""
    return {name: sig[0] for name, sig in function_signatures(contract).items()}


def encode_call(op: Operation, request: OpRequest, sender: str) -> bytes:
    """Return the calldata of `op` for `request` (the node encodes; callers never do)."""
    selector, types = _SIGNATURES[op.contract][op.function]
    return selector + encode(types, request.args(sender))


_SIGNATURES: dict[Contract, dict[str, tuple[bytes, list[str]]]] = {
    c: function_signatures(c) for c in CONTRACT_NAMES
}


def role_allowlist(role: Role, registry: str, ledger: str) -> frozenset[tuple[str, bytes]]:
    """Return the (contract address, selector) pairs a key of `role` may sign."""
    addresses: dict[Contract, str] = {"registry": registry, "ledger": ledger}
    selectors = {c: function_selectors(c) for c in addresses}
    return frozenset(
        (addresses[op.contract], selectors[op.contract][op.function])
        for name in ROLE_OPS[role]
        for op in (OPERATIONS[name],)
    )
