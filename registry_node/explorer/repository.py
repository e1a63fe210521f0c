"""SQL the explorer needs beyond the domain packages: the stored logs of one transaction and
the market's records (compliance years, imports, redemptions) shown on its pages."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from registry_node.common.pagination import PageParams
from registry_node.common.repo import paged
from registry_node.models.index import (
    ComplianceEligibility,
    ComplianceUse,
    ComplianceYear,
    CreditImport,
    EventLog,
    Methodology,
    Redemption,
)

PENDING, EXPORTED = 1, 2  # compliance use status

MAX_TX_LOGS = 1000


def logs_in_tx(session: Session, tx_hash: str) -> Sequence[EventLog]:
    """Return the indexed logs of a transaction (lower-case 0x hash) in log order."""
    stmt = (
        select(EventLog)
        .where(EventLog.tx_hash == tx_hash)
        .order_by(EventLog.log_index)
        .limit(MAX_TX_LOGS)
    )
    return session.execute(stmt).scalars().all()


MAX_ROWS = 10_000


def compliance_years(session: Session) -> Sequence[ComplianceYear]:
    """Return every compliance year's terms, newest first."""
    stmt = select(ComplianceYear).order_by(ComplianceYear.year.desc()).limit(MAX_ROWS)
    return session.execute(stmt).scalars().all()


def compliance_year(session: Session, year: int) -> ComplianceYear | None:
    """Return one compliance year's terms."""
    return session.get(ComplianceYear, year)


def eligibility(session: Session, year: int) -> Sequence[Row[ComplianceEligibility, Methodology]]:
    """Return the year's eligibility decisions with their methodology, by methodology id."""
    stmt = (
        select(ComplianceEligibility, Methodology)
        .join(Methodology, Methodology.methodology_id == ComplianceEligibility.methodology_id)
        .where(ComplianceEligibility.year == year)
        .order_by(ComplianceEligibility.methodology_id)
        .limit(MAX_ROWS)
    )
    return session.execute(stmt).all()


def compliance_uses(session: Session, year: int) -> Sequence[ComplianceUse]:
    """Return the year's compliance uses, by id."""
    stmt = (
        select(ComplianceUse)
        .where(ComplianceUse.year == year)
        .order_by(ComplianceUse.use_id)
        .limit(MAX_ROWS)
    )
    return session.execute(stmt).scalars().all()


def imports(session: Session, page: PageParams) -> Sequence[CreditImport]:
    """Return a page of imports, by id."""
    stmt = select(CreditImport).order_by(CreditImport.import_id)
    return session.execute(paged(stmt, page)).scalars().all()


def credit_import(session: Session, import_id: int) -> CreditImport | None:
    """Return one import."""
    return session.get(CreditImport, import_id)


def redemptions(session: Session, citizen: str) -> Sequence[Redemption]:
    """Return the points a citizen redeemed, by id."""
    stmt = (
        select(Redemption)
        .where(Redemption.citizen == citizen)
        .order_by(Redemption.redemption_id)
        .limit(MAX_ROWS)
    )
    return session.execute(stmt).scalars().all()
