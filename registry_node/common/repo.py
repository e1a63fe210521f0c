"""Small helpers for repositories (the only modules that build SQL)."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import Select

from registry_node.common.pagination import PageParams

S = TypeVar("S", bound=Select[*tuple[Any, ...]])


def paged(stmt: S, page: PageParams) -> S:
    """Apply limit + 1 (to detect a next page) and offset."""
    return stmt.limit(page.limit + 1).offset(page.offset)
