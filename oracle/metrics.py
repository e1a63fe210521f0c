"""Prometheus metrics of the push API, one registry per app so several apps (tests) never collide.

Alert rules on them: ops/prometheus/alerts.yml (docs/operations.md, "Alerting").
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, Counter, Gauge


@dataclass
class PushMetrics:
    """What the push API observes: partners' clock skew, refusals, records by outcome."""

    registry: CollectorRegistry = field(default_factory=CollectorRegistry)

    def __post_init__(self) -> None:
        r = self.registry
        self._lock = threading.Lock()
        self._max_skew: dict[str, float] = {}
        self.skew = Gauge(
            "oracle_push_clock_skew_seconds",
            "|X-Timestamp - oracle clock| of the partner's last authenticated push",
            ["partner"],
            registry=r,
        )
        self.skew_max = Gauge(
            "oracle_push_clock_skew_max_seconds",
            "Largest |X-Timestamp - oracle clock| of the partner's pushes since start",
            ["partner"],
            registry=r,
        )
        self.skew_allowed = Gauge(
            "oracle_push_max_skew_seconds",
            "push_max_skew_seconds: larger skews are refused",
            registry=r,
        )
        self.skew_refusals = Counter(
            "oracle_push_skew_refusals",
            "Authenticated pushes refused because X-Timestamp was outside the window",
            ["partner"],
            registry=r,
        )
        self.requests = Counter(
            "oracle_push_requests",
            "Push requests by outcome (accepted or the error code answered)",
            ["outcome"],
            registry=r,
        )
        self.records = Counter(
            "oracle_push_records",
            "Pushed records by result (accepted or quarantined)",
            ["partner", "result"],
            registry=r,
        )

    def observe_skew(self, partner: str, skew: float) -> None:
        """Record the absolute clock skew of an authenticated partner's request."""
        magnitude = abs(skew)
        with self._lock:
            self.skew.labels(partner).set(magnitude)
            if magnitude >= self._max_skew.get(partner, -1.0):
                self._max_skew[partner] = magnitude
                self.skew_max.labels(partner).set(magnitude)
