"""Offset pagination with a capped limit (the cap is a setting)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Generic, TypeVar

from fastapi import Depends, Query, Request
from pydantic import BaseModel, Field

from registry_node.errors import Invalid

T = TypeVar("T")


@dataclass(frozen=True)
class PageParams:
    """What a list endpoint was asked for."""

    limit: int
    offset: int


def page_params(
    request: Request,
    limit: Annotated[
        int | None, Query(ge=1, description="Items per page (default and cap are settings)")
    ] = None,
    offset: Annotated[int, Query(ge=0, le=10_000_000, description="Items to skip")] = 0,
) -> PageParams:
    """Read limit/offset; a limit above the configured cap is a 422 naming `limit`.

    Raises:
        Invalid: limit exceeds `page_max_limit`.
    """
    settings = request.app.state.settings
    if limit is None:
        limit = settings.page_default_limit
    if limit > settings.page_max_limit:
        raise Invalid(
            f"limit must be at most {settings.page_max_limit}",
            field="limit",
            loc=["query", "limit"],
        )
    return PageParams(limit=limit, offset=offset)


Paging = Annotated[PageParams, Depends(page_params)]


class Page(BaseModel, Generic[T]):
    """One page of a list."""

    items: list[T] = Field(description="The items of this page, in the list's stable order")
    limit: int = Field(description="Page size used")
    offset: int = Field(description="Items skipped before this page")
    next_offset: int | None = Field(description="Offset of the next page; null on the last page")

    @classmethod
    def build(cls, rows: Sequence[T], params: PageParams) -> Page[T]:
        """Build from up to limit + 1 fetched rows (the extra one says a next page exists)."""
        more = len(rows) > params.limit
        return cls(
            items=list(rows[: params.limit]),
            limit=params.limit,
            offset=params.offset,
            next_offset=params.offset + params.limit if more else None,
        )
