"""Plan a retirement from a holder's project credits, paired-assistance regions first."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from registry_node.account import repository as accounts
from registry_node.common.enums import AccountStatus, MethodologyKind, ProjectStatus, name_of
from registry_node.common.types import Amount
from registry_node.errors import Conflict, Invalid, NotFound
from registry_node.event import repository as events
from registry_node.plan.regions import is_paired, paired_regions, region_name
from registry_node.plan.schemas import (
    PairedShareOut,
    PlanIn,
    PlanLineOut,
    PlanOut,
    SigningOpOut,
    SkippedOut,
)
from registry_node.tx.ops import OpRequest, Retire, RetireForEvent

ZERO_HASH = "0x" + "00" * 32


class InsufficientHoldings(Conflict):
    """The holder's usable project credits do not cover the requested amount."""

    code = "insufficient_holdings"


@dataclass(frozen=True)
class Holding:
    """A usable holding, with what the plan needs to order it."""

    batch_id: int
    project_id: int
    methodology_code: str
    region: int
    vintage: int
    balance: int
    paired: bool


def _usable(session: Session, holder: str) -> tuple[list[Holding], list[SkippedOut]]:
    usable: list[Holding] = []
    skipped: list[SkippedOut] = []
    regions = paired_regions()
    for balance, batch, project, methodology in accounts.holdings(session, holder):
        reason = None
        if batch.kind == MethodologyKind.PERSONAL_SCENARIO:
            reason = "points"
        elif project.status == ProjectStatus.SUSPENDED:
            reason = "project_suspended"
        if reason is not None:
            skipped.append(
                SkippedOut(batch_id=batch.batch_id, amount=Amount.of(balance.amount), reason=reason)
            )
            continue
        usable.append(
            Holding(
                batch_id=batch.batch_id,
                project_id=project.project_id,
                methodology_code=methodology.code,
                region=project.region,
                vintage=batch.vintage,
                balance=balance.amount,
                paired=is_paired(project.region, regions),
            )
        )
    return usable, skipped


def order(holdings: list[Holding], priority_first: bool) -> list[Holding]:
    """Return holdings in plan order: paired-assistance first (if asked), then oldest vintage."""
    return sorted(
        holdings,
        key=lambda h: (not h.paired if priority_first else False, h.vintage, h.batch_id),
    )


def _op(body: PlanIn, line: Holding, amount: int, region: int) -> SigningOpOut:
    request: OpRequest
    if body.event_id is not None:
        request = RetireForEvent(event_id=body.event_id, batch_id=line.batch_id, amount=amount)
        name = "retire_for_event"
    else:
        request = Retire(
            batch_id=line.batch_id,
            amount=amount,
            beneficiary=body.beneficiary or body.holder,
            purpose=body.purpose or "VOLUNTARY",
            reference_hash=body.reference_hash or ZERO_HASH,
            region=region,
        )
        name = "retire"
    return SigningOpOut(op=name, path=f"/v1/tx/{name}", body=request.model_dump(mode="json"))


def _check_request(body: PlanIn) -> None:
    if body.event_id is not None:
        extra = [
            name
            for name in ("beneficiary", "purpose", "reference_hash", "region")
            if getattr(body, name) is not None
        ]
        if extra:
            raise Invalid(
                f"{extra[0]} does not apply to an event retirement (the event sets it)",
                field=extra[0],
            )
    needs_case = body.purpose == "ECOLOGICAL_COMPENSATION"
    if needs_case and (body.reference_hash is None or body.reference_hash == ZERO_HASH):
        raise Invalid(
            "ECOLOGICAL_COMPENSATION needs the court case's reference_hash "
            "(POST /v1/references returns it)",
            field="reference_hash",
        )


def plan(session: Session, body: PlanIn) -> PlanOut:
    """Fill `body.amount` from the holder's usable project credits and return the signing ops.

    Raises:
        Invalid: event fields mixed with retire fields, or a compensation without its case.
        NotFound: the holder is not a registered account, or the event is unknown.
        Conflict: the holder's account is not ACTIVE (409).
        InsufficientHoldings: usable holdings do not cover the amount (409, says what is missing).
    """
    _check_request(body)
    account = accounts.get(session, body.holder)
    if account is None:
        raise NotFound(f"account {body.holder} is not registered", field="holder")
    if account.status != AccountStatus.ACTIVE:
        status = name_of(AccountStatus, account.status)
        raise Conflict(f"account {body.holder} is {status}: it cannot retire", field="holder")
    outstanding: Amount | None = None
    if body.event_id is not None:
        event = events.get(session, body.event_id)
        if event is None:
            raise NotFound(f"event {body.event_id} not found", field="event_id")
        outstanding = Amount.of(max(0, event.footprint - event.retired))
    usable, skipped = _usable(session, body.holder)
    available = sum(h.balance for h in usable)
    if available < body.amount:
        missing = body.amount - available
        raise InsufficientHoldings(
            f"usable holdings of {body.holder} cover {available} of {body.amount} grams; "
            f"{missing} grams are missing",
            field="amount",
            requested=str(body.amount),
            available=str(available),
            missing=str(missing),
        )
    region = body.region if body.region is not None else account.region
    lines: list[PlanLineOut] = []
    ops: list[SigningOpOut] = []
    left = body.amount
    paired = 0
    for h in order(usable, body.priority_first):
        if left == 0:
            break
        take = min(left, h.balance)
        left -= take
        paired += take if h.paired else 0
        lines.append(
            PlanLineOut(
                batch_id=h.batch_id,
                project_id=h.project_id,
                methodology_code=h.methodology_code,
                region=h.region,
                region_name=region_name(h.region),
                paired_assistance=h.paired,
                vintage=h.vintage,
                available=Amount.of(h.balance),
                amount=Amount.of(take),
            )
        )
        ops.append(_op(body, h, take, region))
    return PlanOut(
        holder=body.holder,
        requested=Amount.of(body.amount),
        event_id=body.event_id,
        event_outstanding=outstanding,
        priority_first=body.priority_first,
        priority_regions=sorted(paired_regions()),
        lines=lines,
        total=Amount.of(body.amount),
        paired_assistance=PairedShareOut.of(paired, body.amount),
        skipped=skipped,
        ops=ops,
    )
