"""Indexer bookkeeping in the database: cursor, block hashes, stored logs (SQL lives here)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Connection, Table, delete, insert, select, update

from registry_node.models.index import INDEX_TABLES, EventLog, IndexCursor, IndexedBlock

T_CURSOR = cast(Table, IndexCursor.__table__)
T_BLOCKS = cast(Table, IndexedBlock.__table__)
T_LOGS = cast(Table, EventLog.__table__)


@dataclass(frozen=True)
class Cursor:
    """Where the index stands and which deployment it belongs to."""

    chain_id: int
    registry: str
    ledger: str
    market: str | None
    deploy_block: int
    deploy_block_hash: str
    block_number: int
    block_hash: str
    updated_at: int


def load_cursor(conn: Connection) -> Cursor | None:
    """Return the cursor, or None for an empty index."""
    row = conn.execute(select(T_CURSOR).where(T_CURSOR.c.id == 1)).mappings().first()
    if row is None:
        return None
    return Cursor(
        chain_id=row["chain_id"],
        registry=row["registry_address"],
        ledger=row["ledger_address"],
        market=row["market_address"],
        deploy_block=row["deploy_block"],
        deploy_block_hash=row["deploy_block_hash"],
        block_number=row["block_number"],
        block_hash=row["block_hash"],
        updated_at=row["updated_at"],
    )


def init_cursor(conn: Connection, cursor: Cursor) -> None:
    """Create the cursor row of an empty index."""
    conn.execute(
        insert(T_CURSOR).values(
            id=1,
            chain_id=cursor.chain_id,
            registry_address=cursor.registry,
            ledger_address=cursor.ledger,
            market_address=cursor.market,
            deploy_block=cursor.deploy_block,
            deploy_block_hash=cursor.deploy_block_hash,
            block_number=cursor.block_number,
            block_hash=cursor.block_hash,
            updated_at=cursor.updated_at,
        )
    )


def move_cursor(conn: Connection, block_number: int, block_hash: str) -> None:
    """Set the cursor to `block_number` (in the chunk's transaction)."""
    conn.execute(
        update(T_CURSOR)
        .where(T_CURSOR.c.id == 1)
        .values(block_number=block_number, block_hash=block_hash, updated_at=int(time.time()))
    )


def existing_log_keys(
    conn: Connection, chain_id: int, start: int, end: int
) -> set[tuple[str, int]]:
    """Return (tx_hash, log_index) of logs already stored for blocks [start, end]."""
    rows = conn.execute(
        select(T_LOGS.c.tx_hash, T_LOGS.c.log_index).where(
            T_LOGS.c.chain_id == chain_id, T_LOGS.c.block_number.between(start, end)
        )
    )
    return {(r[0], r[1]) for r in rows}


def insert_logs(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Bulk-insert decoded logs."""
    if rows:
        conn.execute(insert(T_LOGS), list(rows))


def save_blocks(
    conn: Connection, blocks: dict[int, tuple[str, int | None]], prune_below: int
) -> None:
    """Record block hashes (number → (hash, timestamp)) and forget those below `prune_below`."""
    if blocks:
        conn.execute(delete(T_BLOCKS).where(T_BLOCKS.c.number.in_(list(blocks))))
        conn.execute(
            insert(T_BLOCKS),
            [{"number": n, "hash": h, "timestamp": t} for n, (h, t) in sorted(blocks.items())],
        )
    conn.execute(delete(T_BLOCKS).where(T_BLOCKS.c.number < prune_below))


def recent_blocks(conn: Connection, at_most: int, floor: int) -> list[tuple[int, str]]:
    """Return stored (number, hash) with floor <= number <= at_most, newest first."""
    rows = conn.execute(
        select(T_BLOCKS.c.number, T_BLOCKS.c.hash)
        .where(T_BLOCKS.c.number <= at_most, T_BLOCKS.c.number >= floor)
        .order_by(T_BLOCKS.c.number.desc())
    )
    return [(r[0], r[1]) for r in rows]


def logs_after(conn: Connection, block_number: int) -> list[Any]:
    """Return stored logs above `block_number` in chain order."""
    return list(
        conn.execute(
            select(T_LOGS)
            .where(T_LOGS.c.block_number > block_number)
            .order_by(T_LOGS.c.block_number, T_LOGS.c.tx_index, T_LOGS.c.log_index)
        ).mappings()
    )


def logs_named(conn: Connection, contract: str, name: str) -> list[Any]:
    """Return stored logs of one event of one contract, in chain order."""
    return list(
        conn.execute(
            select(T_LOGS)
            .where(T_LOGS.c.contract == contract, T_LOGS.c.name == name)
            .order_by(T_LOGS.c.block_number, T_LOGS.c.tx_index, T_LOGS.c.log_index)
        ).mappings()
    )


def reset_index(conn: Connection) -> None:
    """Empty every index table (a rebuild from the deployment block follows)."""
    for table in reversed(INDEX_TABLES):
        conn.execute(delete(table))


def drop_after(conn: Connection, block_number: int) -> None:
    """Delete logs and block hashes above `block_number`."""
    conn.execute(delete(T_LOGS).where(T_LOGS.c.block_number > block_number))
    conn.execute(delete(T_BLOCKS).where(T_BLOCKS.c.number > block_number))
