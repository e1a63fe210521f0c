"""SQL the explorer needs beyond the domain packages: the stored logs of one transaction."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry_node.models.index import EventLog

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
