"""Totals by sector, region, vintage and methodology."""

from __future__ import annotations

from sqlalchemy.orm import Session

from registry_node.common.types import Amount
from registry_node.stats import repository
from registry_node.stats.schemas import OverallOut, TotalOut, TotalsOut


def totals(session: Session, by: str) -> TotalsOut:
    """Return issued, retired and cancelled totals grouped by `by`."""
    groups = [
        TotalOut(
            key=str(key),
            batches=int(count),
            issued=Amount.of(issued),
            retired=Amount.of(retired),
            cancelled=Amount.of(cancelled),
        )
        for key, count, issued, retired, cancelled in repository.totals(session, by)
    ]
    return TotalsOut(by=by, groups=groups)


def overall(session: Session) -> OverallOut:
    """Return registry-wide totals; unclaimed is what the supply invariant leaves over."""
    batches, issued, retired, cancelled, held = repository.overall(session)
    return OverallOut(
        batches=int(batches),
        issued=Amount.of(issued),
        held=Amount.of(held),
        retired=Amount.of(retired),
        cancelled=Amount.of(cancelled),
        unclaimed=Amount.of(max(0, issued - held - retired - cancelled)),
    )
