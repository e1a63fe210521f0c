"""Shared-bike operator feed: one record per ride."""

from __future__ import annotations

from oracle.sources._base import FeedSpec

FEED = FeedSpec(
    name="bikeshare",
    methodology_code="WHCI-CY-001",
    methodology_version=1,
    unit="km",
    description="Shared-bike or walking distance per ride",
)
