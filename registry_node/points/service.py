"""A citizen's points (holdings with expiry, history) and redemptions."""

from __future__ import annotations

import time

from sqlalchemy.orm import Session

from registry_node.common.pagination import Page, PageParams
from registry_node.common.types import Amount
from registry_node.compliance.service import iso
from registry_node.models.index import Redemption
from registry_node.points import repository
from registry_node.points.schemas import (
    PointsEventOut,
    PointsHoldingOut,
    PointsOut,
    RedemptionOut,
)


def as_of(session: Session) -> int:
    """Return the chain time of the index (the wall clock before anything is indexed)."""
    indexed = repository.index_time(session)
    return indexed if indexed is not None else int(time.time())


def _history(session: Session, address: str) -> list[PointsEventOut]:
    redeemed = repository.redemptions_of(session, address)
    events = [
        PointsEventOut(
            kind="CLAIM",
            batch_id=c.batch_id,
            amount=Amount.of(c.amount),
            counterparty=None,
            reference=None,
            time=None,
            block_number=c.block_number,
            tx_hash=c.tx_hash,
        )
        for c in repository.claims(session, address)
    ]
    events += [
        PointsEventOut(
            kind="REDEMPTION",
            batch_id=r.batch_id,
            amount=Amount.of(r.amount),
            counterparty=r.aggregator,
            reference=r.incentive_reference,
            time=r.redeemed_at,
            block_number=r.block_number,
            tx_hash=r.tx_hash,
        )
        for r in redeemed
    ]
    events += [
        PointsEventOut(
            kind="EXPIRY",
            batch_id=c.batch_id,
            amount=Amount.of(c.amount),
            counterparty=None,
            reference=str(c.cancellation_id),
            time=c.block_time,
            block_number=c.block_number,
            tx_hash=c.tx_hash,
        )
        for c in repository.expiries(session, address)
    ]
    # A redemption moves the points too; its transfer is shown as the redemption.
    redemption_txs = {r.tx_hash for r in redeemed}
    events += [
        PointsEventOut(
            kind="TRANSFER",
            batch_id=t.batch_id,
            amount=Amount.of(t.amount),
            counterparty=t.recipient,
            reference=None,
            time=t.block_time,
            block_number=t.block_number,
            tx_hash=t.tx_hash,
        )
        for t in repository.transfers_out(session, address)
        if t.tx_hash not in redemption_txs
    ]
    order = {"CLAIM": 0, "TRANSFER": 1, "REDEMPTION": 2, "EXPIRY": 3}
    events.sort(key=lambda e: (-e.block_number, e.tx_hash, order[e.kind], e.batch_id))
    return events


def points(session: Session, address: str, page: PageParams) -> PointsOut:
    """Return `address`'s points per batch (with expiry) and a page of its history."""
    now = as_of(session)
    holdings = [
        PointsHoldingOut(
            batch_id=batch.batch_id,
            project_id=batch.project_id,
            methodology_code=code,
            vintage=batch.vintage,
            balance=Amount.of(amount),
            expires_at=batch.expires_at,
            expires_at_iso=iso(batch.expires_at) if batch.expires_at else None,
            expired=batch.expires_at != 0 and batch.expires_at <= now,
        )
        for amount, batch, code in repository.holdings(session, address)
    ]
    history = _history(session, address)
    window = history[page.offset : page.offset + page.limit]
    more = page.offset + page.limit < len(history)
    return PointsOut(
        address=address,
        as_of=now,
        as_of_iso=iso(now) or "",
        total=Amount.of(sum(int(h.balance.grams) for h in holdings)),
        holdings=holdings,
        history=window,
        next_offset=page.offset + page.limit if more else None,
    )


def _redemption_out(r: Redemption) -> RedemptionOut:
    return RedemptionOut(
        redemption_id=r.redemption_id,
        citizen=r.citizen,
        batch_id=r.batch_id,
        amount=Amount.of(r.amount),
        aggregator=r.aggregator,
        incentive_reference=r.incentive_reference,
        redeemed_at=r.redeemed_at,
        block_number=r.block_number,
        tx_hash=r.tx_hash,
    )


def redemptions(session: Session, page: PageParams, citizen: str | None) -> Page[RedemptionOut]:
    """Return a page of redemptions by id."""
    rows = repository.redemptions(session, page, citizen)
    return Page[RedemptionOut].build([_redemption_out(r) for r in rows], page)
