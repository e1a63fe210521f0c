"""SQL for compliance years, eligibility, covered entities and compliance uses."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, func, select
from sqlalchemy.orm import Session

from registry_node.common.pagination import PageParams
from registry_node.common.repo import paged
from registry_node.db import Uint256
from registry_node.indexer.handlers import USE_EXPORTED, USE_PENDING
from registry_node.models.index import (
    Batch,
    ComplianceEligibility,
    ComplianceUse,
    ComplianceYear,
    CoveredEntity,
    IndexCursor,
    Methodology,
    Project,
)


def year(session: Session, number: int) -> ComplianceYear | None:
    """Return one compliance year."""
    return session.get(ComplianceYear, number)


def years(session: Session, page: PageParams) -> Sequence[ComplianceYear]:
    """Return compliance years, by year."""
    stmt = select(ComplianceYear).order_by(ComplianceYear.year)
    return session.execute(paged(stmt, page)).scalars().all()


def eligible(session: Session, numbers: Sequence[int]) -> Sequence[Row[int, int, str, int]]:
    """Return (year, methodology id, code, version) of eligible methodologies of `numbers`."""
    stmt = (
        select(
            ComplianceEligibility.year,
            ComplianceEligibility.methodology_id,
            Methodology.code,
            Methodology.version,
        )
        .outerjoin(Methodology, Methodology.methodology_id == ComplianceEligibility.methodology_id)
        .where(ComplianceEligibility.year.in_(list(numbers)), ComplianceEligibility.eligible)
        .order_by(ComplianceEligibility.year, ComplianceEligibility.methodology_id)
    )
    return session.execute(stmt).all()


def _use_sum(status: int) -> Any:
    return (
        select(func.coalesce(func.sum(ComplianceUse.amount), 0, type_=Uint256()))
        .where(
            ComplianceUse.year == CoveredEntity.year,
            ComplianceUse.entity == CoveredEntity.entity,
            ComplianceUse.status == status,
        )
        .scalar_subquery()
    )


def entities(
    session: Session, number: int, page: PageParams, entity: str | None = None
) -> Sequence[Row[CoveredEntity, int, int]]:
    """Return (covered entity, pending grams, exported grams) of a year, by address."""
    stmt = (
        select(CoveredEntity, _use_sum(USE_PENDING), _use_sum(USE_EXPORTED))
        .where(CoveredEntity.year == number)
        .order_by(CoveredEntity.entity)
    )
    if entity is not None:
        stmt = stmt.where(CoveredEntity.entity == entity)
    return session.execute(paged(stmt, page)).all()


def use(session: Session, use_id: int) -> ComplianceUse | None:
    """Return one compliance use."""
    return session.get(ComplianceUse, use_id)


def uses(
    session: Session,
    page: PageParams,
    number: int | None,
    entity: str | None,
    status: int | None,
) -> Sequence[ComplianceUse]:
    """Return compliance uses matching the filters, by id."""
    stmt = select(ComplianceUse).order_by(ComplianceUse.use_id)
    if number is not None:
        stmt = stmt.where(ComplianceUse.year == number)
    if entity is not None:
        stmt = stmt.where(ComplianceUse.entity == entity)
    if status is not None:
        stmt = stmt.where(ComplianceUse.status == status)
    return session.execute(paged(stmt, page)).scalars().all()


def export_rows(
    session: Session, number: int
) -> Sequence[Row[ComplianceUse, Batch | None, Methodology | None]]:
    """Return (use, batch, methodology) of a year's PENDING and EXPORTED uses, by use id."""
    stmt = (
        select(ComplianceUse, Batch, Methodology)
        .outerjoin(Batch, Batch.batch_id == ComplianceUse.batch_id)
        .outerjoin(Project, Project.project_id == Batch.project_id)
        .outerjoin(Methodology, Methodology.methodology_id == Project.methodology_id)
        .where(
            ComplianceUse.year == number,
            ComplianceUse.status.in_([USE_PENDING, USE_EXPORTED]),
        )
        .order_by(ComplianceUse.use_id)
    )
    return session.execute(stmt).all()


def cursor(session: Session) -> IndexCursor | None:
    """Return the indexer's cursor (chain id, market address, block)."""
    return session.get(IndexCursor, 1)
