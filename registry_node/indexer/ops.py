"""Projection operations: what a handler asks the database to do, each with an exact inverse.

Handlers are pure functions of one event, so the same code applies a chunk and, on a reorg,
undoes the events being dropped: `Insert` ↔ delete by primary key, `Update` ↔ restore the
`previous` values the event itself carries, `Add` ↔ subtract. Adds commute, so a chunk's adds
are summed per row and written once (that is what makes bulk ingest fast). `Assign` is for the
market's settings events, which do not carry the values they replace: its undo is left to the
scanner, which restores the row from the latest surviving event (`Scanner._restore`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Table, and_, bindparam, delete, insert, update
from sqlalchemy.dialects import postgresql, sqlite


@dataclass(frozen=True)
class Insert:
    """Insert one row (a new record)."""

    table: Table
    row: dict[str, Any]


@dataclass(frozen=True)
class Update:
    """Set columns of the row with `key`; `previous` holds the values before, for undo."""

    table: Table
    key: dict[str, Any]
    values: dict[str, Any]
    previous: dict[str, Any]


@dataclass(frozen=True)
class Upsert:
    """Set columns of the row with `key`, creating it if missing; `previous` for undo."""

    table: Table
    key: dict[str, Any]
    values: dict[str, Any]
    previous: dict[str, Any]


@dataclass(frozen=True)
class Add:
    """Add `deltas` to numeric columns of the row with `key` (created at zero if `upsert`)."""

    table: Table
    key: tuple[tuple[str, Any], ...]
    deltas: tuple[tuple[str, int], ...]
    upsert: bool = False


@dataclass(frozen=True)
class Assign:
    """Set columns of the row with `key`, creating it if missing, from an event that does not
    carry the values it replaces; undo restores the row from the latest earlier event."""

    table: Table
    key: dict[str, Any]
    values: dict[str, Any]


Op = Insert | Update | Upsert | Add | Assign


class OpWriter:
    """Executes ops in bulk: ordered ops grouped into executemany runs, adds summed per row."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.dialect = conn.dialect.name

    def apply(self, ops: Sequence[Op]) -> None:
        """Apply ops in order (adds last: they commute and their rows exist by then)."""
        self._ordered([op for op in ops if not isinstance(op, Add)])
        self._adds([op for op in ops if isinstance(op, Add)], sign=1)

    def undo(self, ops: Sequence[Op]) -> None:
        """Revert ops that were applied (adds first, then the rest in reverse order).

        `Assign` ops are skipped: the caller restores their rows from the surviving history.
        """
        self._adds([op for op in ops if isinstance(op, Add)], sign=-1)
        inverse: list[Op | _Delete] = []
        for op in reversed([op for op in ops if not isinstance(op, Add)]):
            if isinstance(op, Insert):
                inverse.append(_Delete(op.table, _pk(op.table, op.row)))
            elif isinstance(op, Update):
                inverse.append(Update(op.table, op.key, op.previous, op.values))
            elif isinstance(op, Upsert):
                inverse.append(Upsert(op.table, op.key, op.previous, op.values))
        self._ordered(inverse)

    def delete(self, table: Table, key: dict[str, Any]) -> None:
        """Delete the row with primary key `key` (an assigned row with no history left)."""
        self._ordered([_Delete(table, key)])

    # ------------------------------------------------------------------ internals

    def _ordered(self, ops: Sequence[Any]) -> None:
        run: list[Any] = []
        for op in ops:
            if run and _signature(run[-1]) != _signature(op):
                self._flush(run)
                run = []
            run.append(op)
        if run:
            self._flush(run)

    def _flush(self, run: list[Any]) -> None:
        first = run[0]
        table = first.table
        if isinstance(first, Insert):
            self.conn.execute(insert(table), [op.row for op in run])
        elif isinstance(first, _Delete):
            where = and_(*(table.c[k] == bindparam(f"k_{k}") for k in first.key))
            self.conn.execute(
                delete(table).where(where), [{f"k_{k}": v for k, v in op.key.items()} for op in run]
            )
        elif isinstance(first, Update):
            where = and_(*(table.c[k] == bindparam(f"k_{k}") for k in first.key))
            stmt = update(table).where(where).values({c: bindparam(f"v_{c}") for c in first.values})
            params = [
                {
                    **{f"k_{k}": v for k, v in op.key.items()},
                    **{f"v_{c}": v for c, v in op.values.items()},
                }
                for op in run
            ]
            self.conn.execute(stmt, params)
        elif isinstance(first, Upsert | Assign):
            for op in run:
                self._upsert(table, {**op.key, **op.values}, list(op.key), list(op.values))

    def _upsert(self, table: Table, row: dict[str, Any], keys: list[str], cols: list[str]) -> None:
        module: Any = postgresql if self.dialect == "postgresql" else sqlite
        stmt = module.insert(table).values(row)
        stmt = stmt.on_conflict_do_update(
            index_elements=keys, set_={c: stmt.excluded[c] for c in cols}
        )
        self.conn.execute(stmt)

    def _adds(self, adds: Iterable[Add], sign: int) -> None:
        summed: dict[tuple[Table, tuple[tuple[str, Any], ...], bool], dict[str, int]] = {}
        for op in adds:
            slot = summed.setdefault((op.table, op.key, op.upsert), defaultdict(int))
            for column, delta in op.deltas:
                slot[column] += sign * delta
        groups: dict[tuple[Table, tuple[str, ...], tuple[str, ...], bool], list[dict[str, Any]]]
        groups = defaultdict(list)
        for (table, key, upsert), deltas in summed.items():
            deltas = {c: d for c, d in deltas.items() if d != 0}
            if not deltas:
                continue
            names = tuple(k for k, _ in key)
            groups[(table, names, tuple(sorted(deltas)), upsert)].append(
                {**dict(key), **{f"d_{c}": d for c, d in deltas.items()}}
            )
        for (table, names, columns, upsert), params in groups.items():
            if upsert:
                self._upsert_adds(table, names, columns, params)
                continue
            where = and_(*(table.c[k] == bindparam(f"k_{k}") for k in names))
            stmt = (
                update(table)
                .where(where)
                .values(
                    {c: table.c[c] + bindparam(f"d_{c}", type_=table.c[c].type) for c in columns}
                )
            )
            self.conn.execute(
                stmt, [{(f"k_{k}" if k in names else k): v for k, v in p.items()} for p in params]
            )

    def _upsert_adds(
        self,
        table: Table,
        names: tuple[str, ...],
        columns: tuple[str, ...],
        params: list[dict[str, Any]],
    ) -> None:
        module: Any = postgresql if self.dialect == "postgresql" else sqlite
        rows = [{**{k: p[k] for k in names}, **{c: p[f"d_{c}"] for c in columns}} for p in params]
        stmt = module.insert(table)
        stmt = stmt.on_conflict_do_update(
            index_elements=list(names),
            set_={c: table.c[c] + stmt.excluded[c] for c in columns},
        )
        self.conn.execute(stmt, rows)


@dataclass(frozen=True)
class _Delete:
    table: Table
    key: dict[str, Any]


def _pk(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    return {c.name: row[c.name] for c in table.primary_key.columns}


def _signature(op: Any) -> tuple[Any, ...]:
    if isinstance(op, Insert):
        return ("insert", op.table.name, tuple(op.row))
    if isinstance(op, _Delete):
        return ("delete", op.table.name, tuple(op.key))
    if isinstance(op, Update):
        return ("update", op.table.name, tuple(op.key), tuple(op.values))
    if isinstance(op, Assign):
        return ("assign", op.table.name, tuple(op.key), tuple(op.values))
    return ("upsert", op.table.name, tuple(op.key), tuple(op.values))
