"""The chain scanner: web3.py's EventScanner recipe with reorg handling.

Each chunk (adaptive `eth_getLogs` range) is applied in ONE database transaction: decoded
logs, projection ops and the cursor move together, so a crash at any point leaves the index at
the last committed block and a re-run is harmless (logs already stored are skipped by
`(chain_id, tx_hash, log_index)`).
"""

from __future__ import annotations

import json
import logging
import random
import threading
import time
from collections.abc import Callable
from typing import Any

from requests.exceptions import RequestException
from sqlalchemy import Connection
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from web3 import Web3
from web3.exceptions import Web3Exception

from carbon_chain.events import DecodedEvent, EventCodec, fetch_logs
from carbon_chain.manifest import Deployment
from registry_node.config import Settings
from registry_node.errors import IndexerHalted
from registry_node.indexer import cursor as cur
from registry_node.indexer.handlers import ASSIGNED_BY, hx, json_args, ops_for
from registry_node.indexer.ops import Assign, Op, OpWriter
from registry_node.metrics import NodeMetrics

log = logging.getLogger(__name__)

RPC_ERRORS: tuple[type[BaseException], ...] = (
    RequestException,
    Web3Exception,
    ConnectionError,
    TimeoutError,
    OSError,
)


class ChainMoved(RuntimeError):
    """The chain changed while a chunk was read; the chunk is dropped and re-read."""


class Scanner:
    """Indexes one deployment into the database behind `engine`."""

    def __init__(
        self,
        w3: Web3,
        engine: Engine,
        deployment: Deployment,
        settings: Settings,
        metrics: NodeMetrics | None = None,
        fail_hook: Callable[[str], None] | None = None,
    ) -> None:
        self.w3 = w3
        self.engine = engine
        self.deployment = deployment
        self.settings = settings
        self.metrics = metrics or NodeMetrics()
        self.codec = EventCodec(deployment.registry, deployment.ledger, deployment.market)
        self.addresses = [deployment.registry, deployment.ledger, deployment.market]
        self.fail_hook = fail_hook  # tests: raise inside a chunk to simulate a crash
        self.head: int | None = None

    @classmethod
    def from_settings(
        cls, settings: Settings, engine: Engine, metrics: NodeMetrics | None = None
    ) -> Scanner:
        """Connect to `settings.rpc_url` and read the manifest."""
        w3 = Web3(
            Web3.HTTPProvider(settings.rpc_url, request_kwargs={"timeout": settings.rpc_timeout})
        )
        return cls(w3, engine, Deployment.load(settings.manifest_path), settings, metrics)

    # ------------------------------------------------------------------ loop

    def run(self, stop: threading.Event) -> None:
        """Sync, then poll for new blocks until `stop` is set; RPC and database errors back off.

        Raises:
            IndexerHalted: deep reorg or replaced chain; an operator must rebuild.
        """
        delay = self.settings.poll_interval
        while not stop.is_set():
            try:
                self.sync(stop)
                delay = self.settings.poll_interval
            except ChainMoved as exc:
                log.info("chain moved during a chunk (%s); re-reading", exc)
                continue
            except RPC_ERRORS as exc:
                self.metrics.rpc_errors.inc()
                delay = min(self.settings.retry_max_delay, max(delay, 0.5) * 2)
                log.warning("RPC error, retrying in %.1fs: %s", delay, exc)
            except OperationalError as exc:
                # SQLite "database is locked" past busy_timeout, PostgreSQL restarting: the
                # chunk's transaction rolled back, so retrying from the cursor is safe.
                delay = min(self.settings.retry_max_delay, max(delay, 0.5) * 2)
                log.warning("database unavailable, retrying in %.1fs: %s", delay, exc.orig)
            stop.wait(delay * (0.5 + random.random() / 2))  # noqa: S311 - jitter, not crypto

    def sync(self, stop: threading.Event | None = None) -> int:
        """Index up to head - confirmations; return the number of logs applied.

        Raises:
            IndexerHalted: deep reorg, changed chain id or replaced deployment.
            ChainMoved: a reorg happened while a chunk was being read.
        """
        head = int(self.w3.eth.block_number)
        self.head = head
        self.metrics.head_block.set(head)
        target = head - self.settings.confirmations
        self._check_chain()
        with self.engine.begin() as conn:
            position = self._cursor(conn)
            if position.block_hash and position.block_number <= head:
                if self._hash_of(position.block_number) != position.block_hash:
                    self._rollback(conn, position)
            elif position.block_number > head:
                self._rollback(conn, position)
        with self.engine.connect() as conn:
            start = self._cursor(conn).block_number + 1
        applied = 0
        if start > target:
            self._observe(target, head)
            return 0
        for first, last, logs in fetch_logs(
            self.w3,
            self.addresses,
            start,
            target,
            chunk=self.settings.chunk_size,
            max_chunk=self.settings.max_chunk_size,
        ):
            applied += self._apply_chunk(first, last, logs)
            self._observe(last, head)
            if stop is not None and stop.is_set():
                break
        return applied

    # ------------------------------------------------------------------ chunks

    def _apply_chunk(self, first: int, last: int, logs: list[Any]) -> int:
        events = [ev for ev in (self.codec.decode(raw) for raw in logs) if ev is not None]
        events.sort(key=lambda ev: ev.position)
        end = self.w3.eth.get_block(last)
        # The chunk end's time too: the index's chain time (points expiry) is the cursor's.
        end_hash, end_time = hx(end["hash"]), int(end["timestamp"])
        headers = self._headers({ev.block_number for ev in events})
        for ev in events:
            if headers[ev.block_number][0] != hx(ev.block_hash):
                raise ChainMoved(f"block {ev.block_number} changed while reading logs")
        blocks = {**headers, last: (end_hash, end_time)}
        chain_id = self.deployment.chain_id
        with self.engine.begin() as conn:
            done = cur.existing_log_keys(conn, chain_id, first, last)
            fresh = [ev for ev in events if (hx(ev.tx_hash), ev.log_index) not in done]
            rows = [self._log_row(ev) for ev in fresh]
            raw = {(hx(r["transactionHash"]), int(r["logIndex"])): r for r in logs}
            for row in rows:
                source = raw[(row["tx_hash"], row["log_index"])]
                row["topics"] = b"".join(bytes(t) for t in source["topics"])
                row["data"] = bytes(source["data"])
            cur.insert_logs(conn, rows)
            ops: list[Op] = []
            for ev in fresh:
                ops.extend(ops_for(ev, headers[ev.block_number][1]))
            if self.fail_hook is not None:
                self.fail_hook("before_ops")
            OpWriter(conn).apply(ops)
            if self.fail_hook is not None:
                self.fail_hook("before_cursor")
            cur.save_blocks(conn, blocks, prune_below=last - self.settings.reorg_window)
            cur.move_cursor(conn, last, end_hash)
        self.metrics.events.inc(len(fresh))
        return len(fresh)

    def _log_row(self, ev: DecodedEvent) -> dict[str, Any]:
        return {
            "chain_id": self.deployment.chain_id,
            "block_number": ev.block_number,
            "block_hash": hx(ev.block_hash),
            "tx_hash": hx(ev.tx_hash),
            "tx_index": ev.tx_index,
            "log_index": ev.log_index,
            "contract": ev.contract,
            "name": ev.name,
            "address": ev.address,
            "args": json.dumps(json_args(ev.args), separators=(",", ":")),
        }

    # ------------------------------------------------------------------ reorgs

    def _rollback(self, conn: Connection, position: cur.Cursor) -> None:
        """Undo every stored log above the common ancestor, in one transaction.

        Raises:
            IndexerHalted: the ancestor lies deeper than `reorg_window`.
        """
        floor = position.block_number - self.settings.reorg_window
        ancestor: int | None = None
        for number, stored in cur.recent_blocks(conn, position.block_number, max(floor, 0)):
            if number <= self.w3.eth.block_number and self._hash_of(number) == stored:
                ancestor = number
                break
        if ancestor is None:
            if floor <= self.deployment.deploy_block - 1:
                ancestor = self.deployment.deploy_block - 1
            else:
                raise IndexerHalted(
                    f"reorg deeper than the {self.settings.reorg_window}-block window below "
                    f"block {position.block_number}; rebuild the index from scratch"
                )
        rows = cur.logs_after(conn, ancestor)
        ops: list[Op] = []
        for row in rows:
            ev = self.codec.decode(_stored_log(row))
            if ev is not None:
                ops.extend(ops_for(ev, None))
        writer = OpWriter(conn)
        writer.undo(ops)
        cur.drop_after(conn, ancestor)
        self._restore(conn, writer, [op for op in ops if isinstance(op, Assign)])
        ancestor_hash = self._hash_of(ancestor) if ancestor >= 0 else ""
        cur.move_cursor(conn, ancestor, ancestor_hash)
        self.metrics.reorgs.inc()
        log.warning(
            "reorg: rolled back %d logs from block %d to common ancestor %d",
            len(rows),
            position.block_number,
            ancestor,
        )

    def _restore(self, conn: Connection, writer: OpWriter, undone: list[Assign]) -> None:
        """Give rows assigned by dropped events the values of the latest surviving event.

        Settings events of the market (a compliance year's terms, an eligibility, a covered
        entity's emissions) do not carry the values they replace; the stored logs at or below
        the common ancestor do. A row whose history is gone entirely is deleted.
        """
        targets = {(op.table.name, tuple(sorted(op.key.items()))): op for op in undone}
        for (table_name, key), op in targets.items():
            contract, name = ASSIGNED_BY[table_name]
            latest: Assign | None = None
            for row in cur.logs_named(conn, contract, name):
                ev = self.codec.decode(_stored_log(row))
                for candidate in ops_for(ev, None) if ev is not None else []:
                    if (
                        isinstance(candidate, Assign)
                        and candidate.table.name == table_name
                        and tuple(sorted(candidate.key.items())) == key
                    ):
                        latest = candidate
            if latest is None:
                writer.delete(op.table, op.key)
            else:
                writer.apply([latest])

    # ------------------------------------------------------------------ chain identity

    def _check_chain(self) -> None:
        """Halt unless the RPC serves the manifest's chain with the deployment block intact.

        Raises:
            IndexerHalted: another chain id, or the deployment block was replaced.
        """
        chain_id = int(self.w3.eth.chain_id)
        if chain_id != self.deployment.chain_id:
            raise IndexerHalted(
                f"RPC chain id {chain_id} is not the deployment's {self.deployment.chain_id}"
            )
        actual = self._hash_of(self.deployment.deploy_block)
        if actual != self.deployment.deploy_block_hash.lower():
            raise IndexerHalted(
                f"deployment block {self.deployment.deploy_block} is now {actual}, not "
                f"{self.deployment.deploy_block_hash}: the chain was replaced; rebuild"
            )

    def _cursor(self, conn: Connection) -> cur.Cursor:
        d = self.deployment
        found = cur.load_cursor(conn)
        if found is None:
            found = cur.Cursor(
                chain_id=d.chain_id,
                registry=d.registry,
                ledger=d.ledger,
                market=d.market,
                deploy_block=d.deploy_block,
                deploy_block_hash=d.deploy_block_hash.lower(),
                block_number=d.deploy_block - 1,
                block_hash="",
                updated_at=int(time.time()),
            )
            cur.init_cursor(conn, found)
            return found
        mine = (d.chain_id, d.registry, d.ledger, d.market, d.deploy_block_hash.lower())
        theirs = (
            found.chain_id,
            found.registry,
            found.ledger,
            found.market,
            found.deploy_block_hash,
        )
        if found.market is None:
            raise IndexerHalted(
                "the index was built before the node indexed the CarbonMarket; rebuild it "
                "(registry-node rebuild-index) so the market's logs are read from the start"
            )
        if mine != theirs:
            raise IndexerHalted(
                f"the index belongs to deployment {theirs}, not {mine}; use another database"
            )
        return found

    def _hash_of(self, number: int) -> str:
        return hx(self.w3.eth.get_block(number)["hash"])

    def _headers(self, numbers: set[int]) -> dict[int, tuple[str, int | None]]:
        headers: dict[int, tuple[str, int | None]] = {}
        for number in sorted(numbers):
            block = self.w3.eth.get_block(number)
            headers[number] = (hx(block["hash"]), int(block["timestamp"]))
        return headers

    def _observe(self, indexed: int, head: int) -> None:
        self.metrics.indexed_block.set(indexed)
        self.metrics.lag.set(max(0, head - self.settings.confirmations - indexed))


def _stored_log(row: Any) -> dict[str, Any]:
    topics = bytes(row["topics"])
    return {
        "address": row["address"],
        "topics": [topics[i : i + 32] for i in range(0, len(topics), 32)],
        "data": bytes(row["data"]),
        "blockNumber": row["block_number"],
        "blockHash": bytes.fromhex(row["block_hash"][2:]),
        "transactionHash": bytes.fromhex(row["tx_hash"][2:]),
        "transactionIndex": row["tx_index"],
        "logIndex": row["log_index"],
    }
