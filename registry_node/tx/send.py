"""Broadcast signed transactions, price them, and wait for receipts (batched polling)."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from enum import Enum
from typing import Any

from registry_node.tx.rpc import RpcClient, RpcError

log = logging.getLogger(__name__)

# How nodes word "I already have this exact transaction" (geth, Besu, anvil/reth, Nethermind).
_KNOWN = ("already known", "known transaction", "already imported", "alreadyknown")
# "Your nonce is behind the chain or the pool": allocate afresh after reconciling.
_NONCE = ("nonce too low", "replacement transaction underpriced", "nonce_too_low", "already used")
# Fee below what the node accepts now: refresh the fee data and sign again.
_FEE = ("base fee", "underpriced", "fee too low", "gas price too low", "fee cap")


class SendOutcome(Enum):
    """What the node said to eth_sendRawTransaction."""

    ACCEPTED = "accepted"
    NONCE_STALE = "nonce_stale"
    FEE_TOO_LOW = "fee_too_low"
    REJECTED = "rejected"


@dataclass(frozen=True)
class SendResult:
    """The outcome and, unless accepted, the node's message."""

    outcome: SendOutcome
    message: str = ""


def broadcast(rpc: RpcClient, raw: bytes) -> SendResult:
    """Send `raw`; a re-send of a known transaction counts as accepted.

    Raises:
        RpcUnavailable: the node did not answer (the transaction may or may not be in its pool).
    """
    try:
        rpc.call("eth_sendRawTransaction", ["0x" + raw.hex()])
        return SendResult(SendOutcome.ACCEPTED)
    except RpcError as exc:
        message = exc.message.lower()
        if any(k in message for k in _KNOWN):
            return SendResult(SendOutcome.ACCEPTED)
        if any(k in message for k in _NONCE):
            return SendResult(SendOutcome.NONCE_STALE, exc.message)
        if any(k in message for k in _FEE):
            return SendResult(SendOutcome.FEE_TOO_LOW, exc.message)
        return SendResult(SendOutcome.REJECTED, exc.message)


class FeeOracle:
    """Fee fields for new transactions: EIP-1559 when blocks carry a base fee, else legacy.

    Besu networks often run with zero gas price; then the fields are simply zero. Values are
    cached for `ttl` seconds so a burst of requests costs one lookup.
    """

    def __init__(self, rpc: RpcClient, ttl: float) -> None:
        self._rpc = rpc
        self._ttl = ttl
        self._lock = threading.Lock()
        self._cached: tuple[float, dict[str, int]] | None = None

    def invalidate(self) -> None:
        """Forget the cached fees (after a fee-too-low rejection)."""
        with self._lock:
            self._cached = None

    def current(self) -> dict[str, int]:
        """Return the fee fields to put in a transaction."""
        with self._lock:
            if self._cached and time.monotonic() - self._cached[0] < self._ttl:
                return dict(self._cached[1])
        block = self._rpc.call("eth_getBlockByNumber", ["latest", False])
        base = block.get("baseFeePerGas") if isinstance(block, dict) else None
        fees: dict[str, int]
        if base is None:
            fees = {"gasPrice": int(self._rpc.call("eth_gasPrice", []), 16)}
        else:
            try:
                tip = int(self._rpc.call("eth_maxPriorityFeePerGas", []), 16)
            except RpcError:  # not every node implements it
                tip = 0
            fees = {"maxFeePerGas": 2 * int(base, 16) + tip, "maxPriorityFeePerGas": tip}
        with self._lock:
            self._cached = (time.monotonic(), fees)
        return dict(fees)


def bumped(fees: dict[str, int], percent: int) -> dict[str, int]:
    """Return `fees` raised by `percent` (+1 wei), enough for a node to accept a replacement."""
    return {k: v + v * percent // 100 + 1 for k, v in fees.items()}


class ReceiptWatcher:
    """Waits for receipts of many transactions with one batched poll loop.

    Each waiting request registers its hash; one thread polls the head and, when a block
    arrives, asks for every pending receipt in one JSON-RPC batch, so 200 waiting requests
    cost one `eth_blockNumber` per tick and one batch per block.
    """

    def __init__(self, rpc: RpcClient, interval: float = 0.01) -> None:
        self._rpc = rpc
        self._interval = interval
        self._cond = threading.Condition()
        self._waiting: dict[str, int] = {}
        self._found: dict[str, dict[str, Any]] = {}
        self._thread: threading.Thread | None = None
        self._closed = False

    def close(self) -> None:
        """Stop the poll thread."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        thread = self._thread
        if thread is not None:
            thread.join(timeout=5)

    def wait(self, tx_hash: str, timeout: float) -> dict[str, Any] | None:
        """Return the receipt of `tx_hash` once mined, or None after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        try:  # fast chains (anvil's automine, QBFT with short blocks) often have it already
            receipt = self._rpc.receipt(tx_hash)
        except Exception:  # RPC down: fall through to the poll loop, which keeps trying
            receipt = None
        if receipt is not None:
            return receipt
        with self._cond:
            self._waiting[tx_hash] = self._waiting.get(tx_hash, 0) + 1
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="receipt-watcher", daemon=True
                )
                self._thread.start()
            try:
                while tx_hash not in self._found and not self._closed:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        return None
                    self._cond.wait(remaining)
                return self._found.get(tx_hash)
            finally:
                self._waiting[tx_hash] -= 1
                if not self._waiting[tx_hash]:
                    del self._waiting[tx_hash]
                    self._found.pop(tx_hash, None)

    def _run(self) -> None:
        checked: dict[str, int] = {}  # hash -> head it was last looked up at
        while True:
            with self._cond:
                if self._closed or not self._waiting:
                    self._thread = None
                    return
                waiting = [h for h in self._waiting if h not in self._found]
            try:
                # A receipt can only appear with a new block: ask for the head (cheap) each
                # tick, and for receipts only of hashes not yet looked up at this head.
                head = int(self._rpc.call("eth_blockNumber", []), 16)
                todo = [h for h in waiting if checked.get(h) != head]
                results = self._rpc.batch([("eth_getTransactionReceipt", [h]) for h in todo])
            except Exception as exc:  # RPC down: waiters time out and report pending
                log.warning("receipt poll failed: %s", exc)
                todo, results = [], []
            with self._cond:
                for tx_hash, result in zip(todo, results, strict=False):
                    if isinstance(result, dict):
                        self._found[tx_hash] = result
                    else:
                        checked[tx_hash] = head
                for gone in [h for h in checked if h not in self._waiting]:
                    del checked[gone]
                self._cond.notify_all()
            time.sleep(self._interval)
