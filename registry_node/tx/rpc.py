"""A small thread-safe JSON-RPC client with bounded retry (exponential backoff, full jitter).

Transport faults (timeout, refused connection, HTTP 5xx or 429, a non-JSON answer) are retried
a bounded number of times and then raised as `RpcUnavailable`, which the API turns into a 503
with `Retry-After`. A JSON-RPC error object is an answer, not a fault: it raises `RpcError` at
once, carrying the revert data when the node returned some.
"""

from __future__ import annotations

import itertools
import logging
import random
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

import httpx

log = logging.getLogger(__name__)

# JSON-RPC error codes some nodes use for "busy, try later" (rate limits, resource limits).
_RETRYABLE_CODES = frozenset({-32005, 429})


class RpcUnavailable(RuntimeError):
    """The chain's JSON-RPC endpoint did not answer usefully after every retry."""

    def __init__(self, method: str, reason: str) -> None:
        super().__init__(f"JSON-RPC {method} unavailable: {reason}")
        self.method = method
        self.reason = reason


class RpcError(RuntimeError):
    """The node answered with a JSON-RPC error object (e.g. a revert, a rejected transaction)."""

    def __init__(self, method: str, code: int, message: str, data: Any) -> None:
        super().__init__(f"JSON-RPC {method} error {code}: {message}")
        self.method = method
        self.code = code
        self.message = message
        self.data = data

    def revert_data(self) -> bytes | None:
        """Return the revert data of an `execution reverted` error, if the node sent any."""
        data = self.data
        if isinstance(data, dict):  # some nodes nest it: {"data": "0x..."}
            data = data.get("data")
        if isinstance(data, str) and data.startswith("0x"):
            try:
                return bytes.fromhex(data[2:])
            except ValueError:
                return None
        if "revert" in self.message.lower():
            return b""
        return None


class RpcClient:
    """JSON-RPC over one pooled `httpx.Client`; safe to share between threads."""

    def __init__(
        self,
        url: str,
        timeout: float = 10.0,
        attempts: int = 4,
        backoff: float = 0.1,
        backoff_cap: float = 2.0,
        pool_size: int = 64,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.url = url
        self._timeout = timeout
        self._attempts = max(1, attempts)
        self._backoff = backoff
        self._cap = backoff_cap
        self._sleep = sleep
        self._ids = itertools.count(1)
        self._id_lock = threading.Lock()
        limits = httpx.Limits(max_connections=pool_size, max_keepalive_connections=pool_size)
        self._client = httpx.Client(timeout=httpx.Timeout(timeout), limits=limits)

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()

    def clone(self, pool_size: int) -> RpcClient:
        """Return a client to the same endpoint with its own connection pool."""
        return RpcClient(
            self.url,
            timeout=self._timeout,
            attempts=self._attempts,
            backoff=self._backoff,
            backoff_cap=self._cap,
            pool_size=pool_size,
            sleep=self._sleep,
        )

    def _next_id(self) -> int:
        with self._id_lock:
            return next(self._ids)

    def _delay(self, attempt: int) -> float:
        # Full jitter (AWS architecture blog): spreads retries of many clients apart.
        return random.uniform(0, min(self._cap, self._backoff * 2**attempt))  # noqa: S311

    def _post(self, method: str, body: Any) -> Any:
        reason = "no attempt"
        for attempt in range(self._attempts):
            if attempt:
                self._sleep(self._delay(attempt))
            try:
                response = self._client.post(self.url, json=body)
            except httpx.HTTPError as exc:
                reason = type(exc).__name__
                log.warning("JSON-RPC %s attempt %d failed: %s", method, attempt + 1, reason)
                continue
            if response.status_code >= 500 or response.status_code == 429:
                reason = f"HTTP {response.status_code}"
                log.warning("JSON-RPC %s attempt %d failed: %s", method, attempt + 1, reason)
                continue
            try:
                reply = response.json()
            except ValueError:
                reason = f"non-JSON answer (HTTP {response.status_code})"
                continue
            if isinstance(reply, dict) and self._busy(reply):
                reason = "node busy"
                continue
            return reply
        raise RpcUnavailable(method, f"{reason} after {self._attempts} attempts")

    @staticmethod
    def _busy(reply: dict[str, Any]) -> bool:
        error = reply.get("error")
        return isinstance(error, dict) and error.get("code") in _RETRYABLE_CODES

    @staticmethod
    def _result(method: str, reply: Any) -> Any:
        if not isinstance(reply, dict):
            raise RpcUnavailable(method, "malformed JSON-RPC answer")
        error = reply.get("error")
        if isinstance(error, dict):
            raise RpcError(
                method, int(error.get("code", 0)), str(error.get("message", "")), error.get("data")
            )
        if "result" not in reply:
            raise RpcUnavailable(method, "JSON-RPC answer without result")
        return reply["result"]

    def call(self, method: str, params: Sequence[Any]) -> Any:
        """Call `method`; return its result.

        Raises:
            RpcUnavailable: the endpoint did not answer after every retry.
            RpcError: the node answered with an error object.
        """
        body = {"jsonrpc": "2.0", "id": self._next_id(), "method": method, "params": list(params)}
        return self._result(method, self._post(method, body))

    def batch(self, calls: Sequence[tuple[str, Sequence[Any]]]) -> list[Any]:
        """Send one JSON-RPC batch; each item is its result or an `RpcError` instance.

        Raises:
            RpcUnavailable: the endpoint did not answer after every retry.
        """
        if not calls:
            return []
        # Ids need only be unique within one batch (each batch is its own HTTP exchange).
        body = [
            {"jsonrpc": "2.0", "id": i, "method": m, "params": list(p)}
            for i, (m, p) in enumerate(calls)
        ]
        replies = self._post("batch", body)
        if not isinstance(replies, list):
            raise RpcUnavailable("batch", "malformed batch answer")
        by_id = {r.get("id"): r for r in replies if isinstance(r, dict)}
        out: list[Any] = []
        for i, (method, _params) in enumerate(calls):
            try:
                out.append(self._result(method, by_id.get(i)))
            except RpcError as exc:
                out.append(exc)
        return out

    # ------------------------------------------------------------------ typed helpers
    def chain_id(self) -> int:
        """Return `eth_chainId`."""
        return int(self.call("eth_chainId", []), 16)

    def nonce(self, address: str, block: str = "pending") -> int:
        """Return `eth_getTransactionCount(address, block)`."""
        return int(self.call("eth_getTransactionCount", [address, block]), 16)

    def receipt(self, tx_hash: str) -> dict[str, Any] | None:
        """Return the receipt of `tx_hash`, or None while it is not mined."""
        result = self.call("eth_getTransactionReceipt", [tx_hash])
        return result if isinstance(result, dict) else None
