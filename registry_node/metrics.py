"""Prometheus metrics, one registry per app so several apps (tests) never collide."""

from __future__ import annotations

from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


@dataclass
class NodeMetrics:
    """The node's metrics."""

    registry: CollectorRegistry = field(default_factory=CollectorRegistry)

    def __post_init__(self) -> None:
        r = self.registry
        self.requests = Counter(
            "registry_http_requests", "HTTP requests", ["method", "route", "status"], registry=r
        )
        self.latency = Histogram(
            "registry_http_request_seconds",
            "HTTP request latency",
            ["method", "route"],
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
            registry=r,
        )
        self.indexed_block = Gauge("registry_indexed_block", "Last indexed block", registry=r)
        self.head_block = Gauge("registry_chain_head_block", "Chain head seen", registry=r)
        self.lag = Gauge(
            "registry_indexer_lag_blocks", "head - confirmations - indexed", registry=r
        )
        self.events = Counter("registry_indexed_events", "Logs applied by the indexer", registry=r)
        self.reorgs = Counter("registry_indexer_reorgs", "Reorgs rolled back", registry=r)
        self.halted = Gauge("registry_indexer_halted", "1 when the indexer halted", registry=r)
        self.rpc_errors = Counter(
            "registry_rpc_errors", "RPC errors seen by the indexer", registry=r
        )
