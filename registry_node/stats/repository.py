"""SQL for totals (the aggregate queries)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, func, select
from sqlalchemy.orm import Session

from registry_node.db import Uint256
from registry_node.models.index import Balance, Batch, Methodology, Project


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
