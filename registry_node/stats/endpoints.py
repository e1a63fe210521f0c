"""GET /v1/totals."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from registry_node.common.deps import DbSession
from registry_node.stats import service
from registry_node.stats.schemas import TotalsOut

router = APIRouter(prefix="/v1/totals", tags=["totals"])


@router.get("", response_model=TotalsOut, summary="Totals by a dimension")
def get_totals(
    session: DbSession,
    by: Annotated[
        Literal["sector", "region", "vintage", "methodology"],
        Query(description="Grouping dimension"),
    ],
) -> TotalsOut:
    """Return issued, retired and cancelled totals per sector, region, vintage or methodology."""
    return service.totals(session, by)
