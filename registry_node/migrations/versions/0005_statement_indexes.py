"""Account statements read indexed tables: `transfers` also records mints and burns (backfilled
from the stored transfer logs), and claims, cancellations and imports get their account indexes.

Revision ID: 0005_statement_indexes
Revises: 0004_references
Create Date: 2026-11-26 10:45:00.000000
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

import registry_node.db

revision: str = "0005_statement_indexes"
down_revision: str | None = "0004_references"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ZERO = "0x" + "0" * 40
_PAGE = 5_000

_logs = sa.table(
    "event_logs",
    sa.column("id", sa.BigInteger()),
    sa.column("contract", sa.String()),
    sa.column("name", sa.String()),
    sa.column("tx_hash", sa.String()),
    sa.column("log_index", sa.Integer()),
    sa.column("block_number", sa.BigInteger()),
    sa.column("args", sa.Text()),
)
_blocks = sa.table(
    "index_blocks", sa.column("number", sa.BigInteger()), sa.column("timestamp", sa.BigInteger())
)
_transfers = sa.table(
    "transfers",
    sa.column("tx_hash", sa.String()),
    sa.column("log_index", sa.Integer()),
    sa.column("item", sa.Integer()),
    sa.column("batch_id", sa.BigInteger()),
    sa.column("sender", sa.String()),
    sa.column("recipient", sa.String()),
    sa.column("amount", registry_node.db.Uint256(precision=78, scale=0)),
    sa.column("block_number", sa.BigInteger()),
    sa.column("block_time", sa.BigInteger()),
)


def _items(name: str, args: dict[str, Any]) -> Iterator[tuple[int, int, int]]:
    if name == "TransferSingle":
        yield 0, int(args["id"]), int(args["value"])
        return
    for item, (batch_id, value) in enumerate(zip(args["ids"], args["values"], strict=True)):
        yield item, int(batch_id), int(value)


def _mint_and_burn_rows(conn: sa.Connection, after: int) -> tuple[list[dict[str, Any]], int]:
    """Return the mint/burn rows of the next page of stored transfer logs, and its last id."""
    page = conn.execute(
        sa.select(
            _logs.c.id,
            _logs.c.name,
            _logs.c.tx_hash,
            _logs.c.log_index,
            _logs.c.block_number,
            _logs.c.args,
            _blocks.c.timestamp,
        )
        .outerjoin(_blocks, _blocks.c.number == _logs.c.block_number)
        .where(
            _logs.c.contract == "CarbonLedger",
            _logs.c.name.in_(("TransferSingle", "TransferBatch")),
            _logs.c.id > after,
        )
        .order_by(_logs.c.id)
        .limit(_PAGE)
    ).all()
    rows: list[dict[str, Any]] = []
    for _id, name, tx_hash, log_index, block_number, text, timestamp in page:
        args = json.loads(text)
        sender, recipient = args["from"], args["to"]
        if sender != ZERO and recipient != ZERO:
            continue  # account-to-account moves were recorded already
        for item, batch_id, value in _items(name, args):
            rows.append(
                {
                    "tx_hash": tx_hash,
                    "log_index": log_index,
                    "item": item,
                    "batch_id": batch_id,
                    "sender": sender,
                    "recipient": recipient,
                    "amount": value,
                    "block_number": block_number,
                    "block_time": timestamp,
                }
            )
    return rows, (page[-1][0] if page else -1)


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.create_index("ix_claims_account", ["account"], unique=False)
    with op.batch_alter_table("cancellations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_cancellations_holder", ["holder", "block_number", "log_index"], unique=False
        )
    with op.batch_alter_table("credit_imports", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_credit_imports_recipient"), ["recipient"], unique=False
        )
    # An index built before this revision holds only account-to-account transfers.
    conn = op.get_bind()
    after = 0
    while True:
        rows, after = _mint_and_burn_rows(conn, after)
        if after < 0:
            break
        if rows:
            conn.execute(sa.insert(_transfers), rows)


def downgrade() -> None:
    """Revert this revision."""
    op.execute(
        sa.delete(_transfers).where(
            sa.or_(_transfers.c.sender == ZERO, _transfers.c.recipient == ZERO)
        )
    )
    with op.batch_alter_table("credit_imports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_credit_imports_recipient"))
    with op.batch_alter_table("cancellations", schema=None) as batch_op:
        batch_op.drop_index("ix_cancellations_holder")
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.drop_index("ix_claims_account")
