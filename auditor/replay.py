"""Replay every registry, ledger and market event from the deploy block; rebuild the whole state.

The state here is built from logs alone; `auditor.views` reads the contracts' own view functions
and `auditor.checks` compares the two and checks the invariants on both.
"""

from __future__ import annotations

import bisect
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any, TypeVar

from eth_utils.address import to_checksum_address
from web3 import Web3

from auditor import rpc
from carbon_chain.domain import (
    VERIFIER_ROLE,
    AccountStatus,
    CancellationKind,
    LockStatus,
    ProjectStatus,
    ReportStatus,
    RetirementPurpose,
)
from carbon_chain.events import (
    DecodedEvent,
    EventCodec,
    fetch_logs,
)
from carbon_chain.manifest import Deployment

ZERO = "0x0000000000000000000000000000000000000000"
Position = tuple[int, int, int]
"""(block, tx index, log index): the order events are applied in."""
ProgressFn = Callable[[str], None]
T = TypeVar("T")


@dataclass(slots=True)
class AccountRec:
    """A carbon account and every status it had, with the position it got it."""

    address: str
    kind: int
    region: int
    registered_at: int
    record_hash: bytes
    status: int
    history: list[tuple[Position, int]]


@dataclass(slots=True)
class MethodologyRec:
    id: int
    code: str
    version: int
    sector: str
    kind: int
    status: int
    point_validity: int
    document_hash: bytes


@dataclass(slots=True)
class ProjectRec:
    id: int
    methodology_id: int
    status: int
    region: int
    notice_ends_at: int
    last_period_end: int
    proponent: str
    metadata_hash: bytes
    metadata_uri: str


@dataclass(slots=True)
class ReportRec:
    id: int
    digest: bytes
    project_id: int
    period_start: int
    period_end: int
    submitted_at: int
    status: int
    quantity: int
    methodology_id: int
    data_root: bytes
    evidence_hash: bytes
    deadline: int
    signers: list[str]
    tx_hash: bytes
    position: Position


@dataclass(slots=True)
class BatchRec:
    id: int
    report_id: int
    project_id: int
    serial_start: int
    vintage: int
    kind: int
    distribution_closed: bool
    quantity: int
    buffer_amount: int
    claim_deadline: int
    expires_at: int
    merkle_root: bytes
    recipient: str
    position: Position


@dataclass(slots=True)
class SupplyRec:
    retired: int = 0
    cancelled: int = 0
    claimed: int = 0
    locked: int = 0


@dataclass(slots=True)
class RetirementRec:
    id: int
    batch_id: int
    holder: str
    beneficiary: str
    amount: int
    purpose: int
    reference_hash: bytes
    region: int
    retired_at: int
    expected_first: int  # serialStart + retired + cancelled just before it
    burned: bool
    position: Position


@dataclass(slots=True)
class CancellationRec:
    id: int
    batch_id: int
    holder: str
    amount: int
    kind: int
    reference_hash: bytes
    cancelled_at: int
    expected_first: int
    burned: bool
    position: Position
    reason: str = ""


@dataclass(slots=True)
class LockRec:
    id: int
    holder: str
    amount: int
    status: int
    batch_id: int
    locked_at: int
    destination_hash: bytes
    holder_status: int  # the holder's status when it locked
    tx_hash: bytes = b""


@dataclass(slots=True)
class CarbonEventRec:
    id: int
    organiser: str
    name: str
    region: int
    starts_at: int
    ends_at: int
    footprint: int
    evidence_hash: bytes
    retired: int = 0
    neutral: bool = False
    certificates: list[int] = field(default_factory=list)


@dataclass(slots=True)
class ClaimRec:
    batch_id: int
    account: str
    amount: int
    claimed_at: int
    position: Position


@dataclass(slots=True)
class Movement:
    """An ordinary balance change (not one of the ledger's own moves) and who it touched."""

    position: Position
    operator: str
    sender: str
    receiver: str
    batch_id: int
    amount: int
    sender_status: int
    receiver_status: int
    paused: bool
    aggregator: str


class ComplianceUseStatus(IntEnum):
    """Mirrors contracts/src/types/MarketTypes.sol."""

    NONE = 0
    PENDING = 1
    EXPORTED = 2
    RELEASED = 3


@dataclass(slots=True)
class ComplianceYearRec:
    """A Hubei compliance year's terms and every version of them."""

    year: int
    min_vintage: int
    max_vintage: int
    cap_bps: int
    closes_at: int
    history: list[tuple[Position, tuple[int, int, int, int]]]


@dataclass(slots=True)
class CoveredEntityRec:
    """A covered entity in one compliance year: its verified emissions over time and its use."""

    year: int
    entity: str
    verified_emissions: int
    used: int
    history: list[tuple[Position, int]]  # verified emissions
    stated_caps: list[tuple[Position, int]]  # the cap each CoveredEntitySet announced


@dataclass(slots=True)
class ComplianceUseRec:
    id: int
    year: int
    entity: str
    batch_id: int
    amount: int
    lock_id: int
    status: int
    requested_at: int
    market_reference: bytes
    cancellation_id: int
    position: Position
    tx_hash: bytes
    closed_position: Position | None = None


@dataclass(slots=True)
class ImportRec:
    """A batch imported from a partner platform, with the input the partner attested."""

    id: int
    batch_id: int
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
    digest: bytes
    imported_at: int
    tx_hash: bytes
    position: Position


@dataclass(slots=True)
class RedemptionRec:
    id: int
    citizen: str
    batch_id: int
    amount: int
    aggregator: str
    incentive_reference: bytes
    redeemed_at: int
    position: Position
    aggregator_then: str  # the ledger's aggregator by the replayed events
    transferred: bool = False  # a transfer citizen → aggregator of the amount in the same tx


@dataclass
class LedgerState:
    """Everything the events say, as of the audited block."""

    accounts: dict[str, AccountRec] = field(default_factory=dict)
    roles: dict[tuple[bytes, str], list[tuple[Position, bool]]] = field(default_factory=dict)
    thresholds: list[tuple[Position, int]] = field(default_factory=list)
    notice_period: int = 0
    ledger_connected: str = ZERO
    methodologies: dict[int, MethodologyRec] = field(default_factory=dict)
    projects: dict[int, ProjectRec] = field(default_factory=dict)
    reports: dict[int, ReportRec] = field(default_factory=dict)
    batches: dict[int, BatchRec] = field(default_factory=dict)
    supplies: dict[int, SupplyRec] = field(default_factory=dict)
    balances: dict[int, dict[str, int]] = field(default_factory=dict)
    claims: list[ClaimRec] = field(default_factory=list)
    retirements: dict[int, RetirementRec] = field(default_factory=dict)
    cancellations: dict[int, CancellationRec] = field(default_factory=dict)
    locks: dict[int, LockRec] = field(default_factory=dict)
    events: dict[int, CarbonEventRec] = field(default_factory=dict)
    neutralised: dict[int, tuple[int, int]] = field(default_factory=dict)
    pauses: list[tuple[Position, bool]] = field(default_factory=list)
    aggregator: str = ZERO
    buffer_account: str = ZERO
    market_connected: str = ZERO
    compliance_years: dict[int, ComplianceYearRec] = field(default_factory=dict)
    eligibility: dict[tuple[int, int], list[tuple[Position, bool]]] = field(default_factory=dict)
    covered: dict[tuple[int, str], CoveredEntityRec] = field(default_factory=dict)
    compliance_uses: dict[int, ComplianceUseRec] = field(default_factory=dict)
    imports: dict[int, ImportRec] = field(default_factory=dict)
    redemptions: dict[int, RedemptionRec] = field(default_factory=dict)
    movements: list[Movement] = field(default_factory=list)
    anomalies: list[tuple[Position, str]] = field(default_factory=list)
    duplicate_ids: list[tuple[str, int]] = field(default_factory=list)
    event_counts: Counter[str] = field(default_factory=Counter)

    @property
    def paused(self) -> bool:
        """The pause flag after the last event."""
        return self.pauses[-1][1] if self.pauses else False

    @property
    def threshold(self) -> int:
        """The verifier threshold k after the last event."""
        return self.thresholds[-1][1] if self.thresholds else 0

    def has_role(self, role: bytes, account: str) -> bool:
        """Whether `account` holds `role` after the last event."""
        history = self.roles.get((role, account))
        return bool(history) and history[-1][1]  # type: ignore[index]

    def role_at(self, role: bytes, account: str, position: Position) -> bool:
        """Whether `account` held `role` just before `position`."""
        return _value_before(self.roles.get((role, account), []), position, False)

    def status_at(self, account: str, position: Position) -> int:
        """The account's status just before `position` (NONE when not yet registered)."""
        rec = self.accounts.get(account)
        if rec is None:
            return int(AccountStatus.NONE)
        return _value_before(rec.history, position, int(AccountStatus.NONE))

    def threshold_at(self, position: Position) -> int:
        """The verifier threshold k just before `position`."""
        return _value_before(self.thresholds, position, 0)

    def terms_at(self, year: int, position: Position) -> tuple[int, int, int, int] | None:
        """(minVintage, maxVintage, capBps, closesAt) of `year` at `position` (inclusive)."""
        rec = self.compliance_years.get(year)
        if rec is None:
            return None
        i = bisect.bisect_left(rec.history, _after(position), key=lambda item: item[0])
        return rec.history[i - 1][1] if i else None

    def eligible_at(self, year: int, methodology_id: int, position: Position) -> bool:
        """Whether the methodology was eligible in `year` at `position` (inclusive)."""
        history = self.eligibility.get((year, methodology_id), [])
        return _value_before(history, _after(position), False)

    def emissions_at(self, year: int, entity: str, position: Position) -> int:
        """The covered entity's verified emissions for `year` at `position` (inclusive)."""
        rec = self.covered.get((year, entity))
        return _value_before(rec.history, _after(position), 0) if rec else 0

    def holders(self) -> Iterator[tuple[int, str, int]]:
        """Yield (batch id, holder, balance) for every pair that ever held a balance."""
        for batch_id in sorted(self.balances):
            for holder in sorted(self.balances[batch_id]):
                yield batch_id, holder, self.balances[batch_id][holder]


def _value_before(history: list[tuple[Position, T]], position: Position, default: T) -> T:
    i = bisect.bisect_left(history, position, key=lambda item: item[0])
    return history[i - 1][1] if i else default


def _after(position: Position) -> Position:
    """The position just after `position`: history up to and including it."""
    return (position[0], position[1], position[2] + 1)


def fetch_events(
    w3: Web3,
    deployment: Deployment,
    to_block: int,
    progress: ProgressFn | None = None,
) -> list[DecodedEvent]:
    """Fetch and decode the three contracts' logs from the deploy block to `to_block`, in order."""
    codec = EventCodec(deployment.registry, deployment.ledger, deployment.market)
    events: list[DecodedEvent] = []
    first = deployment.deploy_block
    span = max(1, to_block - first + 1)
    last_report = time.monotonic()
    addresses = [deployment.registry, deployment.ledger, deployment.market]
    for _, end, logs in fetch_logs(w3, addresses, first, to_block, chunk=500):
        for log in logs:
            decoded = codec.decode(log)
            if decoded is not None:
                events.append(decoded)
        now = time.monotonic()
        if progress is not None and (now - last_report > 1.0 or end == to_block):
            last_report = now
            done = 100 * (end - first + 1) // span
            progress(f"fetched blocks {first}..{end} ({done}%), {len(events):,} events")
    events.sort(key=lambda e: e.position)
    return events


def stderr_progress(message: str) -> None:
    """Print a progress line on stderr."""
    print(f"auditor: {message}", file=sys.stderr, flush=True)


class Replayer:
    """Applies decoded events, one transaction at a time, to a `LedgerState`."""

    def __init__(self, ledger: str, block_times: dict[int, int] | None = None) -> None:
        self.ledger = to_checksum_address(ledger)
        self.state = LedgerState()
        self._times = block_times or {}
        self._redeemed = False  # a PointsRedeemed in the current transaction

    def run(self, events: Iterable[DecodedEvent]) -> LedgerState:
        """Apply all events in order and return the rebuilt state."""
        tx: list[DecodedEvent] = []
        for event in events:
            if tx and event.tx_hash != tx[0].tx_hash:
                self._apply_tx(tx)
                tx = []
            tx.append(event)
        if tx:
            self._apply_tx(tx)
        return self.state

    # ------------------------------------------------------------------ transactions

    def _apply_tx(self, events: list[DecodedEvent]) -> None:
        exempt = self._ledger_moves(events)
        burns: list[tuple[str, int, int]] = []
        for event in events:
            self.state.event_counts[event.name] += 1
            if event.name in ("TransferSingle", "TransferBatch"):
                self._transfer(event, exempt, burns)
            else:
                handler = getattr(self, f"_on_{event.name}", None)
                if handler is not None:
                    handler(event)
        self._match_burns(events, burns)
        if self._redeemed:
            self._match_redemptions(events)
            self._redeemed = False

    def _match_redemptions(self, events: list[DecodedEvent]) -> None:
        """Mark redemptions whose points moved citizen → aggregator in the same transaction."""
        pool: Counter[tuple[str, str, int, int]] = Counter()
        for e in events:
            if e.name == "TransferSingle":
                a = e.args
                pool[(a["from"], a["to"], int(a["id"]), int(a["value"]))] += 1
            elif e.name == "TransferBatch":
                a = e.args
                for i, v in zip(a["ids"], a["values"], strict=True):
                    pool[(a["from"], a["to"], int(i), int(v))] += 1
        for e in events:
            if e.name != "PointsRedeemed":
                continue
            rec = self.state.redemptions.get(int(e.args["redemptionId"]))
            if rec is None:
                continue
            key = (rec.citizen, rec.aggregator, rec.batch_id, rec.amount)
            if pool[key] > 0:
                pool[key] -= 1
                rec.transferred = True

    def _ledger_moves(self, events: list[DecodedEvent]) -> set[tuple[str, str]]:
        """(from, to) pairs of this transaction that are the ledger's own moves (spec §6.8)."""
        exempt: set[tuple[str, str]] = set()
        for e in events:
            a = e.args
            if e.name == "CreditsCancelled" and a["kind"] in (
                CancellationKind.INVALIDATION,
                CancellationKind.EXPIRY,
            ):
                exempt.add((a["holder"], ZERO))
            elif e.name == "AccountRecovered":
                exempt.add((a["lost"], a["replacement"]))
        return exempt

    def _transfer(
        self, e: DecodedEvent, exempt: set[tuple[str, str]], burns: list[tuple[str, int, int]]
    ) -> None:
        a = e.args
        sender, receiver = a["from"], a["to"]
        if e.name == "TransferSingle":
            pairs = [(int(a["id"]), int(a["value"]))]
        else:
            pairs = [(int(i), int(v)) for i, v in zip(a["ids"], a["values"], strict=True)]
        st = self.state
        for batch_id, value in pairs:
            holders = st.balances.setdefault(batch_id, {})
            if sender != ZERO:
                left = holders.get(sender, 0) - value
                holders[sender] = left
                if left < 0:
                    st.anomalies.append(
                        (e.position, f"{sender} sent {value} of batch {batch_id} it did not hold")
                    )
            if receiver != ZERO:
                holders[receiver] = holders.get(receiver, 0) + value
            if receiver == ZERO:
                burns.append((sender, batch_id, value))
            ledger_move = (
                sender == self.ledger or receiver == self.ledger or (sender, receiver) in exempt
            )
            if not ledger_move:
                st.movements.append(
                    Movement(
                        position=e.position,
                        operator=a["operator"],
                        sender=sender,
                        receiver=receiver,
                        batch_id=batch_id,
                        amount=value,
                        sender_status=self._status(sender),
                        receiver_status=self._status(receiver),
                        paused=st.paused,
                        aggregator=st.aggregator,
                    )
                )
            elif st.paused:
                st.anomalies.append((e.position, f"batch {batch_id} moved while paused"))

    def _status(self, account: str) -> int:
        if account == ZERO:
            return int(AccountStatus.ACTIVE)  # mints and burns: only the other side counts
        rec = self.state.accounts.get(account)
        return rec.status if rec else int(AccountStatus.NONE)

    def _match_burns(self, events: list[DecodedEvent], burns: list[tuple[str, int, int]]) -> None:
        """Mark retirements and cancellations whose credits were burned in the same transaction."""
        pool = Counter(burns)
        st = self.state
        for e in events:
            if e.name == "CreditsRetired":
                key = (e.args["holder"], int(e.args["batchId"]), int(e.args["amount"]))
                rec: RetirementRec | CancellationRec | None = st.retirements.get(
                    int(e.args["certificateId"])
                )
            elif e.name == "CreditsCancelled" and e.args["kind"] != CancellationKind.UNCLAIMED:
                holder = e.args["holder"]
                if e.args["kind"] == CancellationKind.EXPORT:
                    holder = self.ledger
                key = (holder, int(e.args["batchId"]), int(e.args["amount"]))
                rec = st.cancellations.get(int(e.args["cancellationId"]))
            else:
                continue
            if rec is not None and pool[key] > 0:
                pool[key] -= 1
                rec.burned = True

    def _time(self, e: DecodedEvent) -> int:
        return self._times.get(e.block_number, 0)

    # ------------------------------------------------------------------ registry

    def _on_RoleGranted(self, e: DecodedEvent) -> None:
        key = (bytes(e.args["role"]), e.args["account"])
        self.state.roles.setdefault(key, []).append((e.position, True))

    def _on_RoleRevoked(self, e: DecodedEvent) -> None:
        key = (bytes(e.args["role"]), e.args["account"])
        self.state.roles.setdefault(key, []).append((e.position, False))

    def _on_VerifierThresholdChanged(self, e: DecodedEvent) -> None:
        self.state.thresholds.append((e.position, int(e.args["threshold"])))

    def _on_NoticePeriodChanged(self, e: DecodedEvent) -> None:
        self.state.notice_period = int(e.args["noticePeriod"])

    def _on_LedgerConnected(self, e: DecodedEvent) -> None:
        self.state.ledger_connected = e.args["ledger"]

    def _on_MethodologyRegistered(self, e: DecodedEvent) -> None:
        a = e.args
        mid = int(a["methodologyId"])
        self._unique("methodology", mid, self.state.methodologies)
        self.state.methodologies[mid] = MethodologyRec(
            id=mid,
            code=a["code"],
            version=int(a["version"]),
            sector=a["sector"],
            kind=int(a["kind"]),
            status=1,
            point_validity=int(a["pointValidity"]),
            document_hash=bytes(a["documentHash"]),
        )

    def _on_MethodologyDeprecated(self, e: DecodedEvent) -> None:
        rec = self.state.methodologies.get(int(e.args["methodologyId"]))
        if rec is None:
            self._orphan(e, "methodology")
            return
        rec.status = 2

    def _on_ProjectProposed(self, e: DecodedEvent) -> None:
        a = e.args
        pid = int(a["projectId"])
        self._unique("project", pid, self.state.projects)
        self.state.projects[pid] = ProjectRec(
            id=pid,
            methodology_id=int(a["methodologyId"]),
            status=int(ProjectStatus.PROPOSED),
            region=int(a["region"]),
            notice_ends_at=int(a["noticeEndsAt"]),
            last_period_end=0,
            proponent=a["proponent"],
            metadata_hash=bytes(a["metadataHash"]),
            metadata_uri=a["metadataURI"],
        )

    def _on_ProjectStatusChanged(self, e: DecodedEvent) -> None:
        rec = self.state.projects.get(int(e.args["projectId"]))
        if rec is None:
            self._orphan(e, "project")
            return
        if rec.status != int(e.args["previous"]):
            self.state.anomalies.append(
                (
                    e.position,
                    f"project {rec.id} changed from {e.args['previous']}, was {rec.status}",
                )
            )
        rec.status = int(e.args["status"])

    def _on_ReportVerified(self, e: DecodedEvent) -> None:
        a, r = e.args, e.args["report"]
        rid = int(a["reportId"])
        self._unique("report", rid, self.state.reports)
        self.state.reports[rid] = ReportRec(
            id=rid,
            digest=bytes(a["digest"]),
            project_id=int(r["projectId"]),
            period_start=int(r["periodStart"]),
            period_end=int(r["periodEnd"]),
            submitted_at=int(r["submittedAt"]),
            status=int(r["status"]),
            quantity=int(r["quantity"]),
            methodology_id=int(r["methodologyId"]),
            data_root=bytes(r["dataRoot"]),
            evidence_hash=bytes(r["evidenceHash"]),
            deadline=int(a["deadline"]),
            signers=list(a["signers"]),
            tx_hash=e.tx_hash,
            position=e.position,
        )
        project = self.state.projects.get(int(r["projectId"]))
        if project is None:
            self._orphan(e, "project")
        else:
            project.last_period_end = int(r["periodEnd"])

    def _on_ReportRejected(self, e: DecodedEvent) -> None:
        rec = self.state.reports.get(int(e.args["reportId"]))
        if rec is None:
            self._orphan(e, "report")
            return
        rec.status = int(ReportStatus.REJECTED)
        project = self.state.projects.get(rec.project_id)
        if project is not None and project.last_period_end == rec.period_end:
            project.last_period_end = rec.period_start

    def _on_CarbonEventRegistered(self, e: DecodedEvent) -> None:
        a = e.args
        eid = int(a["eventId"])
        self._unique("event", eid, self.state.events)
        self.state.events[eid] = CarbonEventRec(
            id=eid,
            organiser=a["organiser"],
            name=a["name"],
            region=int(a["region"]),
            starts_at=int(a["startsAt"]),
            ends_at=int(a["endsAt"]),
            footprint=int(a["footprint"]),
            evidence_hash=bytes(a["evidenceHash"]),
        )

    def _on_CarbonEventNeutralised(self, e: DecodedEvent) -> None:
        eid = int(e.args["eventId"])
        self.state.neutralised[eid] = (int(e.args["retired"]), int(e.args["footprint"]))
        rec = self.state.events.get(eid)
        if rec is None:
            self._orphan(e, "event")
            return
        rec.neutral = True

    # ------------------------------------------------------------------ ledger

    def _on_AccountRegistered(self, e: DecodedEvent) -> None:
        a = e.args
        account = a["account"]
        if account in self.state.accounts:
            self.state.duplicate_ids.append(("account", int(account, 16)))
        self.state.accounts[account] = AccountRec(
            address=account,
            kind=int(a["kind"]),
            region=int(a["region"]),
            registered_at=self._time(e),
            record_hash=bytes(a["recordHash"]),
            status=int(AccountStatus.ACTIVE),
            history=[(e.position, int(AccountStatus.ACTIVE))],
        )

    def _on_AccountStatusChanged(self, e: DecodedEvent) -> None:
        rec = self.state.accounts.get(e.args["account"])
        if rec is None:
            self._orphan(e, "account")
            return
        rec.status = int(e.args["status"])
        rec.history.append((e.position, rec.status))

    def _on_AggregatorChanged(self, e: DecodedEvent) -> None:
        self.state.aggregator = e.args["aggregator"]

    def _on_BufferAccountChanged(self, e: DecodedEvent) -> None:
        self.state.buffer_account = e.args["bufferAccount"]

    def _on_LedgerPauseChanged(self, e: DecodedEvent) -> None:
        self.state.pauses.append((e.position, bool(e.args["paused"])))

    def _on_BatchIssued(self, e: DecodedEvent) -> None:
        a, b = e.args, e.args["batch"]
        bid = int(a["batchId"])
        self._unique("batch", bid, self.state.batches)
        self.state.batches[bid] = BatchRec(
            id=bid,
            report_id=int(b["reportId"]),
            project_id=int(b["projectId"]),
            serial_start=int(b["serialStart"]),
            vintage=int(b["vintage"]),
            kind=int(b["kind"]),
            distribution_closed=bool(b["distributionClosed"]),
            quantity=int(b["quantity"]),
            buffer_amount=int(b["bufferAmount"]),
            claim_deadline=int(b["claimDeadline"]),
            expires_at=int(b["expiresAt"]),
            merkle_root=bytes(b["merkleRoot"]),
            recipient=a["recipient"],
            position=e.position,
        )
        self.state.supplies[bid] = SupplyRec()
        self.state.balances.setdefault(bid, {})

    def _supply(self, e: DecodedEvent) -> tuple[BatchRec, SupplyRec] | None:
        bid = int(e.args["batchId"])
        batch, supply = self.state.batches.get(bid), self.state.supplies.get(bid)
        if batch is None or supply is None:
            self._orphan(e, "batch")
            return None
        return batch, supply

    def _on_AllocationClaimed(self, e: DecodedEvent) -> None:
        found = self._supply(e)
        amount = int(e.args["amount"])
        self.state.claims.append(
            ClaimRec(int(e.args["batchId"]), e.args["account"], amount, self._time(e), e.position)
        )
        if found is not None:
            found[1].claimed += amount

    def _on_CreditsRetired(self, e: DecodedEvent) -> None:
        a = e.args
        found = self._supply(e)
        if found is None:
            return
        batch, supply = found
        cid = int(a["certificateId"])
        self._serial_unique(cid)
        self.state.retirements[cid] = RetirementRec(
            id=cid,
            batch_id=batch.id,
            holder=a["holder"],
            beneficiary=a["beneficiary"],
            amount=int(a["amount"]),
            purpose=int(a["purpose"]),
            reference_hash=bytes(a["referenceHash"]),
            region=int(a["region"]),
            retired_at=self._time(e),
            expected_first=batch.serial_start + supply.retired + supply.cancelled,
            burned=False,
            position=e.position,
        )
        supply.retired += int(a["amount"])
        if a["purpose"] == RetirementPurpose.EVENT_NEUTRALITY:
            eid = int.from_bytes(bytes(a["referenceHash"]), "big")
            event = self.state.events.get(eid)
            if event is None:
                self.state.anomalies.append((e.position, f"retirement {cid} for unknown event"))
            else:
                event.retired += int(a["amount"])
                event.certificates.append(cid)

    def _on_CreditsCancelled(self, e: DecodedEvent) -> None:
        a = e.args
        found = self._supply(e)
        if found is None:
            return
        batch, supply = found
        cid = int(a["cancellationId"])
        self._serial_unique(cid)
        self.state.cancellations[cid] = CancellationRec(
            id=cid,
            batch_id=batch.id,
            holder=a["holder"],
            amount=int(a["amount"]),
            kind=int(a["kind"]),
            reference_hash=bytes(a["referenceHash"]),
            cancelled_at=self._time(e),
            expected_first=batch.serial_start + supply.retired + supply.cancelled,
            burned=a["kind"] == CancellationKind.UNCLAIMED,
            position=e.position,
            reason=str(a["reason"]),
        )
        supply.cancelled += int(a["amount"])
        if a["kind"] == CancellationKind.UNCLAIMED:
            batch.distribution_closed = True

    def _on_CreditsLocked(self, e: DecodedEvent) -> None:
        a = e.args
        found = self._supply(e)
        lid = int(a["lockId"])
        self._unique("lock", lid, self.state.locks)
        self.state.locks[lid] = LockRec(
            id=lid,
            holder=a["holder"],
            amount=int(a["amount"]),
            status=int(LockStatus.LOCKED),
            batch_id=int(a["batchId"]),
            locked_at=self._time(e),
            destination_hash=bytes(a["destinationHash"]),
            holder_status=self._status(a["holder"]),
            tx_hash=e.tx_hash,
        )
        if found is not None:
            found[1].locked += int(a["amount"])

    def _close_lock(self, e: DecodedEvent, status: LockStatus) -> None:
        lock = self.state.locks.get(int(e.args["lockId"]))
        if lock is None:
            self._orphan(e, "lock")
            return
        if lock.status != LockStatus.LOCKED:
            self.state.anomalies.append((e.position, f"lock {lock.id} closed twice"))
        lock.status = int(status)
        supply = self.state.supplies.get(lock.batch_id)
        if supply is not None:
            supply.locked -= lock.amount

    def _on_LockReleased(self, e: DecodedEvent) -> None:
        self._close_lock(e, LockStatus.RELEASED)

    def _on_LockExported(self, e: DecodedEvent) -> None:
        self._close_lock(e, LockStatus.EXPORTED)

    def _on_MarketConnected(self, e: DecodedEvent) -> None:
        self.state.market_connected = e.args["market"]

    # ------------------------------------------------------------------ market

    def _on_ComplianceYearSet(self, e: DecodedEvent) -> None:
        year, t = int(e.args["year"]), e.args["terms"]
        terms = (int(t["minVintage"]), int(t["maxVintage"]), int(t["capBps"]), int(t["closesAt"]))
        rec = self.state.compliance_years.get(year)
        if rec is None:
            rec = ComplianceYearRec(year, *terms, history=[])
            self.state.compliance_years[year] = rec
        rec.min_vintage, rec.max_vintage, rec.cap_bps, rec.closes_at = terms
        rec.history.append((e.position, terms))

    def _on_MethodologyEligibilitySet(self, e: DecodedEvent) -> None:
        key = (int(e.args["year"]), int(e.args["methodologyId"]))
        self.state.eligibility.setdefault(key, []).append((e.position, bool(e.args["eligible"])))

    def _on_CoveredEntitySet(self, e: DecodedEvent) -> None:
        year, entity = int(e.args["year"]), e.args["entity"]
        emissions = int(e.args["verifiedEmissions"])
        rec = self.state.covered.get((year, entity))
        if rec is None:
            rec = CoveredEntityRec(year, entity, 0, 0, history=[], stated_caps=[])
            self.state.covered[(year, entity)] = rec
        rec.verified_emissions = emissions
        rec.history.append((e.position, emissions))
        rec.stated_caps.append((e.position, int(e.args["cap"])))

    def _on_ComplianceUseRequested(self, e: DecodedEvent) -> None:
        a = e.args
        uid, year, entity = int(a["useId"]), int(a["year"]), a["entity"]
        self._unique("compliance use", uid, self.state.compliance_uses)
        self.state.compliance_uses[uid] = ComplianceUseRec(
            id=uid,
            year=year,
            entity=entity,
            batch_id=int(a["batchId"]),
            amount=int(a["amount"]),
            lock_id=int(a["lockId"]),
            status=int(ComplianceUseStatus.PENDING),
            requested_at=self._time(e),
            market_reference=bytes(32),
            cancellation_id=0,
            position=e.position,
            tx_hash=e.tx_hash,
        )
        covered = self.state.covered.get((year, entity))
        if covered is None:
            self.state.anomalies.append(
                (e.position, f"compliance use {uid} by {entity}, not a covered entity in {year}")
            )
        else:
            covered.used += int(a["amount"])

    def _close_use(self, e: DecodedEvent, status: ComplianceUseStatus) -> ComplianceUseRec | None:
        use = self.state.compliance_uses.get(int(e.args["useId"]))
        if use is None:
            self._orphan(e, "compliance use")
            return None
        if use.status != ComplianceUseStatus.PENDING:
            self.state.anomalies.append((e.position, f"compliance use {use.id} closed twice"))
        use.status = int(status)
        use.closed_position = e.position
        return use

    def _on_ComplianceUseExported(self, e: DecodedEvent) -> None:
        use = self._close_use(e, ComplianceUseStatus.EXPORTED)
        if use is not None:
            use.market_reference = bytes(e.args["marketReference"])
            use.cancellation_id = int(e.args["cancellationId"])

    def _on_ComplianceUseReleased(self, e: DecodedEvent) -> None:
        use = self._close_use(e, ComplianceUseStatus.RELEASED)
        if use is None:
            return
        covered = self.state.covered.get((use.year, use.entity))
        if covered is not None:
            covered.used -= use.amount

    def _on_CreditsImported(self, e: DecodedEvent) -> None:
        a, i = e.args, e.args["input"]
        iid = int(a["importId"])
        self._unique("import", iid, self.state.imports)
        rec = ImportRec(
            id=iid,
            batch_id=int(a["batchId"]),
            partner=a["partner"],
            origin_serial_start=int(i["originSerialStart"]),
            origin_serial_end=int(i["originSerialEnd"]),
            project_id=int(i["projectId"]),
            period_start=int(i["periodStart"]),
            period_end=int(i["periodEnd"]),
            vintage=int(i["vintage"]),
            recipient=i["recipient"],
            evidence_hash=bytes(i["evidenceHash"]),
            deadline=int(i["deadline"]),
            digest=bytes(a["digest"]),
            imported_at=self._time(e),
            tx_hash=e.tx_hash,
            position=e.position,
        )
        self.state.imports[iid] = rec
        if i["partner"] != a["partner"]:
            self.state.anomalies.append((e.position, f"import {iid} names two partners"))
        project = self.state.projects.get(rec.project_id)
        if project is None:
            self._orphan(e, "project")
        else:  # the registry consumes the period (recordImportedPeriod) without its own event
            project.last_period_end = rec.period_end

    def _on_PointsRedeemed(self, e: DecodedEvent) -> None:
        a = e.args
        rid = int(a["redemptionId"])
        self._redeemed = True
        self._unique("redemption", rid, self.state.redemptions)
        self.state.redemptions[rid] = RedemptionRec(
            id=rid,
            citizen=a["citizen"],
            batch_id=int(a["batchId"]),
            amount=int(a["amount"]),
            aggregator=a["aggregator"],
            incentive_reference=bytes(a["incentiveReference"]),
            redeemed_at=self._time(e),
            position=e.position,
            aggregator_then=self.state.aggregator,
        )

    # ------------------------------------------------------------------ helpers

    def _unique(self, kind: str, key: int, table: dict[int, Any]) -> None:
        if key in table:
            self.state.duplicate_ids.append((kind, key))

    def _serial_unique(self, serial: int) -> None:
        if serial in self.state.retirements or serial in self.state.cancellations:
            self.state.duplicate_ids.append(("serial", serial))

    def _orphan(self, e: DecodedEvent, kind: str) -> None:
        self.state.anomalies.append((e.position, f"{e.name} refers to an unknown {kind}"))


def block_times(w3: Web3, blocks: Iterable[int]) -> dict[int, int]:
    """Return the timestamp of each block that holds a timestamped record (batched JSON-RPC)."""
    wanted = sorted(set(blocks))
    times: dict[int, int] = {}
    for i in range(0, len(wanted), 500):
        chunk = wanted[i : i + 500]
        responses = rpc.batch(w3, [("eth_getBlockByNumber", [hex(b), False]) for b in chunk])
        for block, resp in zip(chunk, responses, strict=True):
            times[block] = int(resp["result"]["timestamp"], 16)
    return times


TIMESTAMPED = frozenset(
    {
        "AccountRegistered",
        "AllocationClaimed",
        "CreditsRetired",
        "CreditsCancelled",
        "CreditsLocked",
        "ComplianceUseRequested",
        "CreditsImported",
        "PointsRedeemed",
    }
)


def replay(events: list[DecodedEvent], ledger: str, times: dict[int, int]) -> LedgerState:
    """Rebuild the state from decoded events (in chain order)."""
    return Replayer(ledger, times).run(events)


def timestamped_blocks(events: list[DecodedEvent]) -> list[int]:
    """Blocks whose timestamp becomes part of a record."""
    return sorted({e.block_number for e in events if e.name in TIMESTAMPED})


def role_holders(state: LedgerState, role: bytes = VERIFIER_ROLE) -> list[str]:
    """Accounts holding `role` after the last event."""
    return sorted(
        acct for (r, acct), _ in state.roles.items() if r == role and state.has_role(r, acct)
    )
