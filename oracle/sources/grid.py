"""Grid-company feed: self-consumed output of distributed PV installations."""

from __future__ import annotations

from oracle.sources._base import FeedSpec

FEED = FeedSpec(
    name="grid",
    methodology_code="WHCI-PV-001",
    methodology_version=1,
    unit="kWh",
    description="PV self-consumed energy per installation and reading",
)
