"""SQL for totals (the aggregate queries)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import Row, case, func, select
from sqlalchemy.orm import Session

from registry_node.db import Uint256
from registry_node.models.index import Balance, Batch, Methodology, Project, Retirement

BEIJING = timezone(timedelta(hours=8))


def year_start(year: int) -> int:
    """Return 1 January 00:00 Beijing time (UTC+8) of `year` as unix seconds."""
    return int(datetime(year, 1, 1, tzinfo=BEIJING).timestamp())


def year_of(ts: int) -> int:
    """Return the calendar year of a unix time in Beijing time."""
    return datetime.fromtimestamp(ts, UTC).astimezone(BEIJING).year


def issued_by_region(session: Session) -> Sequence[Row[int, int]]:
    """Return (project region, issued grams) per region."""
    stmt = (
        select(Project.region, func.coalesce(func.sum(Batch.quantity), 0, type_=Uint256()))
        .select_from(Batch)
        .join(Project, Project.project_id == Batch.project_id)
        .group_by(Project.region)
    )
    return session.execute(stmt).all()


def retired_by_year_region(session: Session) -> Sequence[Row[int | None, int, int]]:
    """Return (Beijing calendar year of retirement or None, project region, grams)."""
    low, high = session.execute(
        select(func.min(Retirement.block_time), func.max(Retirement.block_time))
    ).one()
    # One CASE over the years' boundaries: portable (SQLite and PostgreSQL) and one pass.
    whens: list[tuple[Any, int]] = []
    if low is not None and high is not None:
        whens = [
            (Retirement.block_time < year_start(y + 1), y)
            for y in range(year_of(low), year_of(high) + 1)
        ]
    year: Any = case(*whens, else_=None) if whens else func.nullif(0, 0)
    stmt = (
        select(
            year.label("year"),
            Project.region,
            func.coalesce(func.sum(Retirement.amount), 0, type_=Uint256()),
        )
        .select_from(Retirement)
        .join(Batch, Batch.batch_id == Retirement.batch_id)
        .join(Project, Project.project_id == Batch.project_id)
        .group_by(year, Project.region)
    )
    return session.execute(stmt).all()


def totals(session: Session, by: str) -> Sequence[Row[Any, int, int, int, int]]:
    """Return (key, batches, issued, retired, cancelled) grouped by `by`."""
    keys: dict[str, Any] = {
        "sector": Methodology.sector,
        "region": Project.region,
        "vintage": Batch.vintage,
        "methodology": Methodology.code,
    }
    key = keys[by]
    stmt = (
        select(
            key,
            func.count(Batch.batch_id),
            func.coalesce(func.sum(Batch.quantity), 0, type_=Uint256()),
            func.coalesce(func.sum(Batch.retired), 0, type_=Uint256()),
            func.coalesce(func.sum(Batch.cancelled), 0, type_=Uint256()),
        )
        .select_from(Batch)
        .join(Project, Project.project_id == Batch.project_id)
        .join(Methodology, Methodology.methodology_id == Project.methodology_id)
        .group_by(key)
        .order_by(key)
    )
    return session.execute(stmt).all()


def overall(session: Session) -> Row[int, int, int, int, int]:
    """Return (batches, issued, retired, cancelled, held) over the whole registry."""
    held = select(func.coalesce(func.sum(Balance.amount), 0, type_=Uint256())).scalar_subquery()
    stmt = select(
        func.count(Batch.batch_id),
        func.coalesce(func.sum(Batch.quantity), 0, type_=Uint256()),
        func.coalesce(func.sum(Batch.retired), 0, type_=Uint256()),
        func.coalesce(func.sum(Batch.cancelled), 0, type_=Uint256()),
        held,
    ).select_from(Batch)
    return session.execute(stmt).one()
