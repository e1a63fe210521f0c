"""Methodology queries."""

from __future__ import annotations

from sqlalchemy.orm import Session

from registry_node.common.enums import MethodologyKind, MethodologyStatus, name_of, parse_name
from registry_node.common.pagination import Page, PageParams
from registry_node.errors import NotFound
from registry_node.methodology import repository
from registry_node.methodology.schemas import MethodologyOut
from registry_node.models.index import Methodology


def to_out(row: Methodology) -> MethodologyOut:
    """Build the response model."""
    return MethodologyOut(
        methodology_id=row.methodology_id,
        code=row.code,
        version=row.version,
        sector=row.sector,
        kind=name_of(MethodologyKind, row.kind),
        status=name_of(MethodologyStatus, row.status),
        document_hash=row.document_hash,
        point_validity=row.point_validity,
        block_number=row.block_number,
        tx_hash=row.tx_hash,
    )


def get(session: Session, methodology_id: int) -> MethodologyOut:
    """Return one methodology.

    Raises:
        NotFound: no such methodology indexed.
    """
    row = repository.get(session, methodology_id)
    if row is None:
        raise NotFound(f"methodology {methodology_id} not found", field="methodology_id")
    return to_out(row)


def search(
    session: Session,
    page: PageParams,
    kind: str | None,
    status: str | None,
    sector: str | None,
    code: str | None,
) -> Page[MethodologyOut]:
    """Return a page of methodologies.

    Raises:
        Invalid: unknown kind or status name.
    """
    rows = repository.search(
        session,
        page,
        parse_name(MethodologyKind, kind, "kind"),
        parse_name(MethodologyStatus, status, "status"),
        sector,
        code,
    )
    return Page[MethodologyOut].build([to_out(r) for r in rows], page)
