"""Runs the scanner in a background thread of the API process (the default deployment)."""

from __future__ import annotations

import logging
import threading

from sqlalchemy.engine import Engine

from registry_node.config import Settings
from registry_node.errors import IndexerHalted
from registry_node.indexer.scanner import Scanner
from registry_node.metrics import NodeMetrics

log = logging.getLogger(__name__)


class IndexerThread:
    """A daemon thread running `Scanner.run`; a halt is recorded and shown by /health."""

    def __init__(self, settings: Settings, engine: Engine, metrics: NodeMetrics) -> None:
        self.settings = settings
        self.engine = engine
        self.metrics = metrics
        self.halted: str | None = None
        self.last_error: str | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._main, name="registry-indexer", daemon=True)

    def start(self) -> None:
        """Start indexing."""
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the loop to stop and wait for the current chunk to commit."""
        self._stop.set()
        self._thread.join(timeout)

    @property
    def alive(self) -> bool:
        """Whether the thread is running."""
        return self._thread.is_alive()

    def _main(self) -> None:
        while not self._stop.is_set():
            try:
                scanner = Scanner.from_settings(self.settings, self.engine, self.metrics)
                scanner.run(self._stop)
            except IndexerHalted as exc:
                self.halted = str(exc)
                self.metrics.halted.set(1)
                log.error("indexer halted: %s", exc)
                return
            except Exception as exc:  # keep serving reads; retry after a pause
                self.last_error = f"{type(exc).__name__}: {exc}"
                log.exception("indexer error; restarting in %.0fs", self.settings.retry_max_delay)
                self._stop.wait(min(5.0, self.settings.retry_max_delay))
