"""SQL for personal points: holdings, history, redemptions, expired balances."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Row, and_, func, or_, select
from sqlalchemy.orm import Session

from carbon_chain.domain import CancellationKind, MethodologyKind
from registry_node.common.pagination import PageParams
from registry_node.common.repo import paged
from registry_node.models.index import (
    Balance,
    Batch,
    Cancellation,
    Claim,
    IndexCursor,
    IndexedBlock,
    Methodology,
    Project,
    Redemption,
    Transfer,
)
from registry_node.tx.models import SigningRequest

POINTS = int(MethodologyKind.PERSONAL_SCENARIO)
ZERO = "0x" + "0" * 40


def index_time(session: Session) -> int | None:
    """Return the block time of the index's cursor block (or the latest known), if any."""
    cursor = session.get(IndexCursor, 1)
    if cursor is not None:
        block = session.get(IndexedBlock, cursor.block_number)
        if block is not None and block.timestamp is not None:
            return int(block.timestamp)
    latest = session.execute(select(func.max(IndexedBlock.timestamp))).scalar()
    return int(latest) if latest is not None else None


def holdings(session: Session, address: str) -> Sequence[Row[int, Batch, str | None]]:
    """Return (balance, batch, methodology code) of `address`'s points, by batch."""
    stmt = (
        select(Balance.amount, Batch, Methodology.code)
        .join(Batch, Batch.batch_id == Balance.batch_id)
        .outerjoin(Project, Project.project_id == Batch.project_id)
        .outerjoin(Methodology, Methodology.methodology_id == Project.methodology_id)
        .where(Balance.holder == address, Balance.amount > 0, Batch.kind == POINTS)
        .order_by(Balance.batch_id)
    )
    return session.execute(stmt).all()


def claims(session: Session, address: str) -> Sequence[Claim]:
    """Return `address`'s claims of points batches."""
    stmt = (
        select(Claim)
        .join(Batch, Batch.batch_id == Claim.batch_id)
        .where(Claim.account == address, Batch.kind == POINTS)
    )
    return session.execute(stmt).scalars().all()


def redemptions_of(session: Session, address: str) -> Sequence[Redemption]:
    """Return every redemption of `address`."""
    stmt = select(Redemption).where(Redemption.citizen == address)
    return session.execute(stmt).scalars().all()


def expiries(session: Session, address: str) -> Sequence[Cancellation]:
    """Return `address`'s points cancelled as expired."""
    stmt = select(Cancellation).where(
        Cancellation.holder == address, Cancellation.kind == int(CancellationKind.EXPIRY)
    )
    return session.execute(stmt).scalars().all()


def transfers_out(session: Session, address: str) -> Sequence[Transfer]:
    """Return `address`'s transfers of points (only ever to the aggregator); burns (expiry,
    retirement), which `transfers` records too, are not transfers out."""
    stmt = (
        select(Transfer)
        .join(Batch, Batch.batch_id == Transfer.batch_id)
        .where(Transfer.sender == address, Transfer.recipient != ZERO, Batch.kind == POINTS)
    )
    return session.execute(stmt).scalars().all()


def redemptions(session: Session, page: PageParams, citizen: str | None) -> Sequence[Redemption]:
    """Return redemptions, by id, optionally of one citizen."""
    stmt = select(Redemption).order_by(Redemption.redemption_id)
    if citizen is not None:
        stmt = stmt.where(Redemption.citizen == citizen)
    return session.execute(paged(stmt, page)).scalars().all()


def expired_holders(session: Session, now: int) -> Sequence[Row[int, str]]:
    """Return (batch id, holder) with a positive balance of a points batch expired at `now`."""
    stmt = (
        select(Balance.batch_id, Balance.holder)
        .join(Batch, Batch.batch_id == Balance.batch_id)
        .where(
            Batch.kind == POINTS,
            Batch.expires_at != 0,
            Batch.expires_at <= now,
            Balance.amount > 0,
        )
        .order_by(Balance.batch_id, Balance.holder)
    )
    return session.execute(stmt).all()


def open_sweep_calls(session: Session, chain_id: int, ledger: str, since: int) -> Sequence[bytes]:
    """Return the calldata of cancel_expired signing requests to `ledger` not settled yet:
    signed or sent (not mined), or received (being signed) and updated at or after `since`."""
    stmt = select(SigningRequest.calldata).where(
        SigningRequest.chain_id == chain_id,
        SigningRequest.op == "cancel_expired",
        SigningRequest.to == ledger,
        or_(
            SigningRequest.state.in_(("signed", "sent")),
            and_(SigningRequest.state == "received", SigningRequest.updated_at >= since),
        ),
    )
    return session.execute(stmt).scalars().all()
