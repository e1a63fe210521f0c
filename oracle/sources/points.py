"""Low-carbon app feed: counted personal actions (carbon points)."""

from __future__ import annotations

from oracle.sources._base import FeedSpec

FEED = FeedSpec(
    name="points",
    methodology_code="WHCI-PP-001",
    methodology_version=1,
    unit="count",
    description="Counted personal low-carbon actions",
)
