"""SQL for distributions and claims."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from registry_node.common.pagination import PageParams
from registry_node.common.repo import paged
from registry_node.models.index import Batch, Claim, Report

MAX_DISTRIBUTIONS = 1000


def distributions(session: Session) -> Sequence[Row[Batch, str]]:
    """Return (batch, evidence hash) of Merkle-distributed batches, newest first (bounded)."""
    stmt = (
        select(Batch, Report.evidence_hash)
        .join(Report, Report.report_id == Batch.report_id)
        .where(Batch.claim_deadline != 0)
        .order_by(Batch.batch_id.desc())
        .limit(MAX_DISTRIBUTIONS)
    )
    return session.execute(stmt).all()


def claimed_batches(session: Session, account: str) -> set[int]:
    """Return batches the account has claimed from."""
    stmt = select(Claim.batch_id).where(Claim.account == account)
    return set(session.execute(stmt).scalars().all())


def for_batch(session: Session, batch_id: int, page: PageParams) -> Sequence[Claim]:
    """Return the claims of one distribution batch in chain order."""
    stmt = (
        select(Claim).where(Claim.batch_id == batch_id).order_by(Claim.block_number, Claim.account)
    )
    return session.execute(paged(stmt, page)).scalars().all()
