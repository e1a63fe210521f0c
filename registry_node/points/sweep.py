"""The expiry sweep: cancel expired points through the signing service, idempotently.

Candidates come from the index (positive balances of points batches whose expiry has passed at
the chain's time); the chain's own balances then filter them, so a re-run right after a sweep
(before the indexer has caught up) sends nothing either. Holders named by an earlier sweep's
`cancel_expired` request that is signed or sent but not mined yet are left out too, so a re-run
while those transactions wait for a block sends nothing new. Each batch's holders go out in
`cancel_expired` transactions of at most 200 holders, signed like any other operation.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from eth_abi.abi import decode, encode
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak

from registry_node.common.types import Amount
from registry_node.errors import Unavailable
from registry_node.points import repository
from registry_node.points.schemas import SweepChunkOut, SweepOut
from registry_node.tx.auth import Principal
from registry_node.tx.ops import MAX_SWEEP_HOLDERS, OPERATIONS, CancelExpired
from registry_node.tx.rpc import RpcError, RpcUnavailable
from registry_node.tx.service import SigningService

log = logging.getLogger(__name__)

OP = "cancel_expired"
_BALANCE_OF_BATCH = keccak(text="balanceOfBatch(address[],uint256[])")[:4]
_CANCEL_EXPIRED = keccak(text="cancelExpired(uint256,address[])")[:4]
_READ_SLICE = 500


def _chunks(items: Sequence[str], size: int) -> list[list[str]]:
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


class ExpirySweep:
    """Finds expired points with holders left and cancels them in chunks."""

    def __init__(self, service: SigningService) -> None:
        self.service = service

    def chain_time(self) -> tuple[int, int]:
        """Return (latest block number, its timestamp).

        Raises:
            Unavailable: the chain RPC is down.
        """
        try:
            block = self.service.rpc.call("eth_getBlockByNumber", ["latest", False])
        except RpcUnavailable as exc:
            raise Unavailable(f"chain RPC unavailable: {exc.reason}", retry_after=5) from None
        return int(block["number"], 16), int(block["timestamp"], 16)

    def balances(self, batch_id: int, holders: Sequence[str]) -> dict[str, int]:
        """Return the chain's balances of `holders` in `batch_id`."""
        ledger = self.service.address_of("ledger")
        out: dict[str, int] = {}
        for part in _chunks(holders, _READ_SLICE):
            data = _BALANCE_OF_BATCH + encode(
                ["address[]", "uint256[]"], [part, [batch_id] * len(part)]
            )
            try:
                reply = self.service.rpc.call(
                    "eth_call", [{"to": ledger, "data": "0x" + data.hex()}, "latest"]
                )
            except (RpcUnavailable, RpcError) as exc:
                raise Unavailable(f"balanceOfBatch failed: {exc}", retry_after=5) from None
            (values,) = decode(["uint256[]"], bytes.fromhex(str(reply)[2:]))
            out.update(zip(part, (int(v) for v in values), strict=True))
        return out

    def in_flight(self) -> dict[int, set[str]]:
        """Return batch id → holders of cancel_expired requests not mined yet (signed, sent,
        or being signed), read from the signing service's request table."""
        since = int(time.time() - self.service.settings.tx_stale_seconds)
        ledger = self.service.address_of("ledger")
        with self.service.sessions() as session:
            calls = repository.open_sweep_calls(session, self.service.chain_id, ledger, since)
        out: dict[int, set[str]] = defaultdict(set)
        for calldata in calls:
            if bytes(calldata[:4]) != _CANCEL_EXPIRED:
                continue
            batch_id, holders = decode(["uint256", "address[]"], bytes(calldata[4:]))
            out[int(batch_id)].update(to_checksum_address(h) for h in holders)
        return out

    def find(self, now: int) -> tuple[dict[int, list[str]], int]:
        """Return batch id → holders that still hold expired points on chain and are in no
        pending sweep transaction, and how many holders such transactions cover."""
        with self.service.sessions() as session:
            rows = repository.expired_holders(session, now)
        indexed: dict[int, list[str]] = defaultdict(list)
        for batch_id, holder in rows:
            indexed[batch_id].append(holder)
        pending = self.in_flight()
        found: dict[int, list[str]] = {}
        waiting = 0
        for batch_id, holders in sorted(indexed.items()):
            on_chain = self.balances(batch_id, holders)
            held = [h for h in holders if on_chain.get(h, 0) > 0]
            left = [h for h in held if h not in pending.get(batch_id, set())]
            waiting += len(held) - len(left)
            if left:
                found[batch_id] = left
        return found, waiting

    def run(self, principal: Principal, dry_run: bool = False) -> SweepOut:
        """Sweep every expired points batch; return what was cancelled.

        Raises:
            Unavailable: the chain RPC or the signer is down (a re-run resumes safely).
        """
        block, now = self.chain_time()
        found, waiting = self.find(now)
        chunks: list[SweepChunkOut] = []
        total = 0
        for batch_id, holders in found.items():
            for part in _chunks(holders, MAX_SWEEP_HOLDERS):
                if dry_run:
                    chunks.append(_planned(batch_id, part))
                    continue
                chunk = self._send(principal, batch_id, part, block)
                total += int(chunk.cancelled.grams)
                chunks.append(chunk)
        log.info("expiry sweep at %d: %d transactions, %d g cancelled", now, len(chunks), total)
        return SweepOut(
            as_of=now,
            batches=sorted(found),
            chunks=chunks,
            cancelled=Amount.of(total),
            dry_run=dry_run,
            in_flight=waiting,
        )

    def _send(
        self, principal: Principal, batch_id: int, holders: list[str], block: int
    ) -> SweepChunkOut:
        request = CancelExpired(batch_id=batch_id, holders=holders)
        digest = hashlib.sha256(",".join(holders).encode()).hexdigest()[:24]
        # Two sweeps at the same block send one transaction; a later sweep gets a fresh key.
        key = f"expiry-sweep:{batch_id}:{block}:{digest}"
        answer = self.service.submit(principal, OPERATIONS[OP], request, key)
        tx: dict[str, Any] = answer.body.get("tx", answer.body)
        cancelled = sum(
            int(e["args"]["amount"])
            for e in tx.get("events", [])
            if e.get("name") == "CreditsCancelled"
        )
        return SweepChunkOut(
            batch_id=batch_id,
            holders=holders,
            status=str(tx.get("status")),
            http_status=answer.status_code,
            cancelled=Amount.of(cancelled),
            request_id=tx.get("id"),
            tx_hash=tx.get("tx_hash"),
            error=tx.get("error"),
        )


def _planned(batch_id: int, holders: list[str]) -> SweepChunkOut:
    return SweepChunkOut(
        batch_id=batch_id,
        holders=holders,
        status="planned",
        http_status=0,
        cancelled=Amount.of(0),
        request_id=None,
        tx_hash=None,
        error=None,
    )
