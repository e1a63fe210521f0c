"""Forestry survey feed: one stand (species, area, increment) per record."""

from __future__ import annotations

from oracle.sources._base import FeedSpec

FEED = FeedSpec(
    name="forestry",
    methodology_code="WHCI-FC-001",
    methodology_version=1,
    unit=None,
    description="Forest stand growth over a monitoring period",
)
