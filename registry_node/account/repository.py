"""SQL for accounts and balances."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Row, or_, select
from sqlalchemy.orm import Session

from registry_node.common.pagination import PageParams
from registry_node.common.repo import paged
from registry_node.models.index import (
    Account,
    Balance,
    Batch,
    Cancellation,
    ComplianceUse,
    CreditImport,
    EventLog,
    Methodology,
    Project,
    Redemption,
    Retirement,
    Transfer,
)

MAX_HOLDINGS = 10_000
MAX_RECORDS = 50_000  # rows of one kind in an account statement (one more is read to tell)


def get(session: Session, address: str) -> Account | None:
    """Return one account."""
    return session.get(Account, address)


def search(
    session: Session,
    page: PageParams,
    kind: int | None,
    status: int | None,
    region: int | None,
) -> Sequence[Account]:
    """Return accounts matching the filters, by address."""
    stmt = select(Account).order_by(Account.address)
    if kind is not None:
        stmt = stmt.where(Account.kind == kind)
    if status is not None:
        stmt = stmt.where(Account.status == status)
    if region is not None:
        stmt = stmt.where(Account.region == region)
    return session.execute(paged(stmt, page)).scalars().all()


def balances(session: Session, address: str, page: PageParams) -> Sequence[Row[int, int, int, int]]:
    """Return (batch_id, project_id, vintage, amount) of positive balances, by batch."""
    stmt = (
        select(Balance.batch_id, Batch.project_id, Batch.vintage, Balance.amount)
        .join(Batch, Batch.batch_id == Balance.batch_id)
        .where(Balance.holder == address, Balance.amount > 0)
        .order_by(Balance.batch_id)
    )
    return session.execute(paged(stmt, page)).all()


def activity(session: Session, address: str, limit: int) -> Sequence[EventLog]:
    """Return the newest logs whose decoded arguments name `address` (checksummed), newest first.

    The match is on the stored JSON text, so it also finds the address as operator,
    beneficiary or organiser; callers show the event name with it.
    """
    stmt = (
        select(EventLog)
        .where(EventLog.args.contains(f'"{address}"', autoescape=True))
        .order_by(EventLog.block_number.desc(), EventLog.log_index.desc())
        .limit(limit)
    )
    return session.execute(stmt).scalars().all()


def holdings(session: Session, address: str) -> Sequence[Row[Balance, Batch, Project, Methodology]]:
    """Return the address's positive balances with batch, project and methodology, by batch."""
    stmt = (
        select(Balance, Batch, Project, Methodology)
        .join(Batch, Batch.batch_id == Balance.batch_id)
        .join(Project, Project.project_id == Batch.project_id)
        .join(Methodology, Methodology.methodology_id == Project.methodology_id)
        .where(Balance.holder == address, Balance.amount > 0)
        .order_by(Balance.batch_id)
        .limit(MAX_HOLDINGS + 1)
    )
    return session.execute(stmt).all()


def transfers_of(session: Session, address: str) -> Sequence[Transfer]:
    """Return the transfer items (mints and burns included) from or to `address`, in chain
    order; at most MAX_RECORDS + 1, so a caller can tell that the list was cut."""
    stmt = (
        select(Transfer)
        .where(or_(Transfer.sender == address, Transfer.recipient == address))
        .order_by(Transfer.block_number, Transfer.log_index, Transfer.item)
        .limit(MAX_RECORDS + 1)
    )
    return session.execute(stmt).scalars().all()


def batches_of(session: Session, batch_ids: set[int]) -> dict[int, Batch]:
    """Return the batches with the given ids."""
    if not batch_ids:
        return {}
    stmt = select(Batch).where(Batch.batch_id.in_(sorted(batch_ids)))
    return {b.batch_id: b for b in session.execute(stmt).scalars().all()}


def retirements_of(session: Session, address: str) -> Sequence[Retirement]:
    """Return the retirements the address made (as holder), in chain order."""
    stmt = (
        select(Retirement)
        .where(Retirement.holder == address)
        .order_by(Retirement.block_number, Retirement.log_index)
        .limit(MAX_RECORDS + 1)
    )
    return session.execute(stmt).scalars().all()


def cancellations_of(session: Session, address: str) -> Sequence[Cancellation]:
    """Return the cancellations of the address's credits (exports included), in chain order."""
    stmt = (
        select(Cancellation)
        .where(Cancellation.holder == address)
        .order_by(Cancellation.block_number, Cancellation.log_index)
        .limit(MAX_RECORDS + 1)
    )
    return session.execute(stmt).scalars().all()


def compliance_uses_of(session: Session, address: str) -> Sequence[ComplianceUse]:
    """Return the address's compliance uses (as covered entity), by id."""
    stmt = (
        select(ComplianceUse)
        .where(ComplianceUse.entity == address)
        .order_by(ComplianceUse.use_id)
        .limit(MAX_RECORDS + 1)
    )
    return session.execute(stmt).scalars().all()


def imports_to(session: Session, address: str) -> Sequence[CreditImport]:
    """Return the imports whose batch the address received, by id."""
    stmt = (
        select(CreditImport)
        .where(CreditImport.recipient == address)
        .order_by(CreditImport.import_id)
        .limit(MAX_RECORDS + 1)
    )
    return session.execute(stmt).scalars().all()


def redemptions_of(session: Session, address: str) -> Sequence[Redemption]:
    """Return the points the address redeemed for incentives, by id."""
    stmt = (
        select(Redemption)
        .where(Redemption.citizen == address)
        .order_by(Redemption.redemption_id)
        .limit(MAX_RECORDS + 1)
    )
    return session.execute(stmt).scalars().all()
