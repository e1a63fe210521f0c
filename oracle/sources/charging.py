"""Charging-network feed: one metered NEV charging session per record."""

from __future__ import annotations

from oracle.sources._base import FeedSpec

FEED = FeedSpec(
    name="charging",
    methodology_code="WHCI-EV-001",
    methodology_version=1,
    unit="kWh",
    description="Metered NEV charging energy per session",
)
