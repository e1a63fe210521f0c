"""Metro and bus operator feed: one record per trip or per participant-day of transit."""

from __future__ import annotations

from oracle.sources._base import FeedSpec

FEED = FeedSpec(
    name="metro",
    methodology_code="WHCI-GT-001",
    methodology_version=1,
    unit="pkm",
    description="Metro/bus passenger-km per trip (tap-in/tap-out distance)",
)
