"""The chain head as the API sees it, cached briefly so /health never hammers the RPC."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from web3 import Web3

from registry_node.config import Settings


@dataclass(frozen=True)
class Head:
    """Latest block seen on the RPC."""

    number: int
    timestamp: int


class ChainStatus:
    """Fetches the head over JSON-RPC with a short cache; None when the RPC is unreachable."""

    def __init__(self, settings: Settings) -> None:
        self._w3 = Web3(Web3.HTTPProvider(settings.rpc_url, request_kwargs={"timeout": 2}))
        self._ttl = settings.head_cache_seconds
        self._lock = threading.Lock()
        self._cached: tuple[float, Head | None] | None = None
        self.error: str | None = None

    def head(self) -> Head | None:
        """Return the cached or freshly fetched head."""
        with self._lock:
            now = time.monotonic()
            if self._cached is not None and now - self._cached[0] < self._ttl:
                return self._cached[1]
            try:
                block = self._w3.eth.get_block("latest")
                head: Head | None = Head(int(block["number"]), int(block["timestamp"]))
                self.error = None
            except Exception as exc:  # any RPC failure means "unknown head", not a 500
                head = None
                self.error = f"{type(exc).__name__}: {exc}"[:200]
            self._cached = (now, head)
            return head
