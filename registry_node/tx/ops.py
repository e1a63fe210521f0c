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
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr

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

Contract = Literal["registry", "ledger", "market"]
CONTRACT_NAMES: dict[Contract, str] = {
    "registry": "CarbonRegistry",
    "ledger": "CarbonLedger",
    "market": "CarbonMarket",
}

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


# Purposes `retire` takes: EVENT_NEUTRALITY goes through retire_for_event, and Hubei compliance
# use through the market (use_for_compliance): CarbonLedger.retire reverts
# LedgerComplianceViaMarket for COMPLIANCE_OFFSET.
RetirePurpose = Literal["VOLUNTARY", "ECOLOGICAL_COMPENSATION", "INCENTIVE_REDEMPTION"]
COMPLIANCE_VIA_MARKET = (
    "COMPLIANCE_OFFSET is not retired: Hubei compliance use goes through the market, "
    "POST /v1/tx/use_for_compliance (lock, then confirm_compliance_use exports it)"
)
_ELSEWHERE = {
    "COMPLIANCE_OFFSET": COMPLIANCE_VIA_MARKET,
    "EVENT_NEUTRALITY": "EVENT_NEUTRALITY is retired with POST /v1/tx/retire_for_event",
}


def refuse_other_paths(value: object) -> object:
    """Refuse a purpose that has its own operation, naming it (a before-validator).

    Raises:
        ValueError: COMPLIANCE_OFFSET or EVENT_NEUTRALITY.
    """
    if isinstance(value, str) and value in _ELSEWHERE:
        raise ValueError(_ELSEWHERE[value])
    return value


class Retire(OpRequest):
    """Retire the signing key's credits for a beneficiary and purpose (not an event)."""

    batch_id: ChainId
    amount: Grams
    beneficiary: Address
    purpose: Annotated[RetirePurpose, BeforeValidator(refuse_other_paths)] = Field(
        description="VOLUNTARY, ECOLOGICAL_COMPENSATION or INCENTIVE_REDEMPTION; "
        "EVENT_NEUTRALITY goes through retire_for_event and COMPLIANCE_OFFSET through "
        "use_for_compliance (the ledger refuses it)"
    )
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


ComplianceYearNumber = Annotated[int, Field(ge=2000, le=2200, description="Compliance year")]
# CarbonMarket.MAX_CAP_BPS
MAX_CAP_BPS = 5000
MAX_SWEEP_HOLDERS = 200


class SetComplianceYear(OpRequest):
    """Set a Hubei compliance year's eligible vintages, cap share and closing time."""

    year: ComplianceYearNumber
    min_vintage: int = Field(ge=2000, le=2200, description="First eligible vintage")
    max_vintage: int = Field(ge=2000, le=2200, description="Last eligible vintage (<= year)")
    cap_bps: int = Field(
        ge=1, le=MAX_CAP_BPS, description="Share of verified emissions an entity may offset (bps)"
    )
    closes_at: Timestamp = Field(description="Compliance use is requested before this time")

    def args(self, sender: str) -> list[Any]:
        return [self.year, (self.min_vintage, self.max_vintage, self.cap_bps, self.closes_at)]


class SetMethodologyEligibility(OpRequest):
    """Make a PROJECT methodology eligible (or not) for a compliance year."""

    year: ComplianceYearNumber
    methodology_id: ChainId
    eligible: bool = Field(description="true to accept its credits, false to withdraw")

    def args(self, sender: str) -> list[Any]:
        return [self.year, self.methodology_id, self.eligible]


class SetCoveredEntity(OpRequest):
    """Record a covered entity's verified emissions for a year; its cap follows."""

    year: ComplianceYearNumber
    entity: Address = Field(description="The covered entity's ENTERPRISE account")
    verified_emissions: Grams = Field(description="Verified emissions of the year, grams CO2e")

    def args(self, sender: str) -> list[Any]:
        return [self.year, self.entity, self.verified_emissions]


class UseForCompliance(OpRequest):
    """Lock the signing key's eligible credits for compliance use, within its cap."""

    year: ComplianceYearNumber
    batch_id: ChainId
    amount: Grams

    def args(self, sender: str) -> list[Any]:
        return [self.year, self.batch_id, self.amount]


class ConfirmComplianceUse(OpRequest):
    """Confirm a pending compliance use with the market's reference: its credits are cancelled."""

    use_id: ChainId
    market_reference: Hash32 = Field(
        description="Hash of the Hubei market's record of the surrender (non-zero)"
    )

    def args(self, sender: str) -> list[Any]:
        return [self.use_id, _b32(self.market_reference)]


class ReleaseComplianceUse(OpRequest):
    """Return a pending compliance use's credits to the entity and its grams to its cap."""

    use_id: ChainId
    reason: Reason

    def args(self, sender: str) -> list[Any]:
        return [self.use_id, self.reason]


class ImportCredits(OpRequest):
    """Import credits a partner platform attested (EIP-712 CreditImport) it cancelled for us."""

    partner: Address = Field(description="The partner's PARTNER_REGISTRY account, which signed")
    origin_serial_start: int = Field(
        ge=1, lt=2**256, description="First origin serial at the partner (one serial per gram)"
    )
    origin_serial_end: int = Field(
        ge=2, lt=2**256, description="End (exclusive) of the origin serials"
    )
    project_id: ChainId = Field(description="The project as registered here (项目互认)")
    period_start: int = Field(ge=0, le=UINT64_MAX, description="Monitoring period start (unix)")
    period_end: int = Field(ge=1, le=UINT64_MAX, description="Monitoring period end (unix)")
    vintage: int = Field(ge=2000, le=2200)
    recipient: Address = Field(description="The carbon account here that receives the batch")
    evidence_hash: Hash32 = Field(
        description="sha256 of the partner's cancellation record and verification report"
    )
    deadline: int = Field(ge=1, le=UINT64_MAX, description="The attestation is void after this")
    attestation: Signature65 = Field(description="The partner's EIP-712 signature of the above")
    # Found by the node in its index (checked against the chain), never sent by the caller.
    _previous_start: int = PrivateAttr(default=0)

    def input_tuple(self) -> tuple[Any, ...]:
        """Return the ABI tuple of `ImportInput`."""
        return (
            self.partner,
            self.origin_serial_start,
            self.origin_serial_end,
            self.project_id,
            self.period_start,
            self.period_end,
            self.vintage,
            self.recipient,
            _b32(self.evidence_hash),
            self.deadline,
        )

    def with_hint(self, previous_start: int) -> ImportCredits:
        """Return a copy carrying the `previousStart` hint the contract checks."""
        copy = self.model_copy()
        copy._previous_start = previous_start
        return copy

    def args(self, sender: str) -> list[Any]:
        signature = bytes.fromhex(self.attestation[2:])
        return [self.input_tuple(), signature, self._previous_start]


class CancelExpired(OpRequest):
    """Cancel the whole balance of each listed holder of an expired points batch."""

    batch_id: ChainId
    holders: list[Address] = Field(
        min_length=1, max_length=MAX_SWEEP_HOLDERS, description="Holders to sweep (at most 200)"
    )

    def args(self, sender: str) -> list[Any]:
        return [self.batch_id, list(self.holders)]


class LockForExport(OpRequest):
    """Lock the signing key's credits in ledger custody for export to another platform."""

    batch_id: ChainId
    amount: Grams
    destination_hash: Hash32 = Field(
        description="Hash naming the destination (e.g. keccak256 of the partner's account id)"
    )

    def args(self, sender: str) -> list[Any]:
        return [self.batch_id, self.amount, _b32(self.destination_hash)]


class ConfirmExport(OpRequest):
    """Confirm an export with the destination's reference: the locked credits are cancelled."""

    lock_id: ChainId
    reference_hash: Hash32 = Field(description="Hash of the destination's record of the credits")

    def args(self, sender: str) -> list[Any]:
        return [self.lock_id, _b32(self.reference_hash)]


class ReleaseLock(OpRequest):
    """Return locked credits (an export that did not happen) to their holder."""

    lock_id: ChainId
    reason: Reason

    def args(self, sender: str) -> list[Any]:
        return [self.lock_id, self.reason]


class RedeemPoints(OpRequest):
    """Redeem the signing key's personal points for an incentive (the aggregator receives them)."""

    batch_id: ChainId
    amount: Grams
    incentive_reference: Hash32 = Field(
        description="Hash of the incentive's off-chain reference (coupon, order); non-zero"
    )

    def args(self, sender: str) -> list[Any]:
        return [self.batch_id, self.amount, _b32(self.incentive_reference)]


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
        Operation("cancel_expired", CancelExpired, "ledger", "cancelExpired"),
        Operation("set_compliance_year", SetComplianceYear, "market", "setComplianceYear"),
        Operation(
            "set_methodology_eligibility",
            SetMethodologyEligibility,
            "market",
            "setMethodologyEligibility",
        ),
        Operation("set_covered_entity", SetCoveredEntity, "market", "setCoveredEntity"),
        Operation("use_for_compliance", UseForCompliance, "market", "useForCompliance"),
        Operation("confirm_compliance_use", ConfirmComplianceUse, "market", "confirmComplianceUse"),
        Operation("release_compliance_use", ReleaseComplianceUse, "market", "releaseComplianceUse"),
        Operation("import_credits", ImportCredits, "market", "importCredits"),
        Operation("redeem_points", RedeemPoints, "market", "redeemPoints"),
        Operation("lock_for_export", LockForExport, "ledger", "lockForExport"),
        Operation("confirm_export", ConfirmExport, "ledger", "confirmExport"),
        Operation("release_lock", ReleaseLock, "ledger", "releaseLock"),
    )
}

# `relay` is not a signing operation: it lets a token use POST /v1/tx/raw.
RELAY = "relay"

# Holders also use credits for compliance (enterprises) and redeem points (citizens).
_HOLDER = frozenset(
    {
        "transfer",
        "retire",
        "retire_for_event",
        "claim",
        "use_for_compliance",
        "redeem_points",
        "lock_for_export",
    }
)
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
_ISSUER = frozenset(
    {
        "reject_report",
        "issue",
        "issue_distribution",
        "cancel",
        "cancel_unclaimed",
        "cancel_expired",
        "set_compliance_year",
        "set_methodology_eligibility",
        "set_covered_entity",
        "confirm_compliance_use",
        "release_compliance_use",
        "import_credits",
        "confirm_export",
        "release_lock",
    }
)

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


def role_allowlist(
    role: Role, registry: str, ledger: str, market: str | None = None
) -> frozenset[tuple[str, bytes]]:
    """Return the (contract address, selector) pairs a key of `role` may sign.

    Without a market address (an older manifest) the market's operations are left out.
    """
    addresses: dict[Contract, str] = {"registry": registry, "ledger": ledger}
    if market is not None:
        addresses["market"] = market
    selectors = {c: function_selectors(c) for c in addresses}
    return frozenset(
        (addresses[op.contract], selectors[op.contract][op.function])
        for name in ROLE_OPS[role]
        for op in (OPERATIONS[name],)
        if op.contract in addresses
    )
