"""Partner feeds, one module each; ``FEEDS`` maps a feed name to its spec."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from oracle.errors import ConfigError
from oracle.sources import bikeshare, charging, forestry, grid, metro, points
from oracle.sources._base import FeedSpec, InputFormat, Period, Problem, RecordRejected

__all__ = ["FEEDS", "FeedSpec", "InputFormat", "Period", "Problem", "RecordRejected", "feed"]

FEEDS: Final[Mapping[str, FeedSpec]] = MappingProxyType(
    {m.FEED.name: m.FEED for m in (metro, bikeshare, charging, grid, forestry, points)}
)


def feed(name: str) -> FeedSpec:
    """Return a feed by name.

    Raises:
        ConfigError: no feed has that name.
    """
    try:
        return FEEDS[name]
    except KeyError:
        raise ConfigError(f"unknown feed {name!r}; known: {', '.join(sorted(FEEDS))}") from None
