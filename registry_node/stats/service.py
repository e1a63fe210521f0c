"""Totals by sector, region, vintage and methodology."""

from __future__ import annotations

from sqlalchemy.orm import Session

from registry_node.common.types import Amount
from registry_node.plan.regions import is_paired, paired_regions
from registry_node.plan.schemas import PairedShareOut
from registry_node.stats import repository
from registry_node.stats.schemas import (
    OverallOut,
    PairedAssistanceOut,
    TotalOut,
    TotalsOut,
    YearShareOut,
)


def totals(session: Session, by: str, with_paired: bool = True) -> TotalsOut:
    """Return issued, retired and cancelled totals grouped by `by` (and the paired share)."""
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
    paired = paired_assistance(session) if with_paired else None
    return TotalsOut(by=by, groups=groups, paired_assistance=paired)


def paired_assistance(session: Session) -> PairedAssistanceOut:
    """Return issued and retired grams from paired-assistance regions, total and per year."""
    regions = paired_regions()
    issued = paired_issued = 0
    for region, grams in repository.issued_by_region(session):
        issued += grams
        paired_issued += grams if is_paired(region, regions) else 0
    years: dict[int | None, list[int]] = {}
    for year, region, grams in repository.retired_by_year_region(session):
        totals = years.setdefault(year, [0, 0])
        totals[0] += grams
        totals[1] += grams if is_paired(region, regions) else 0
    by_year = [
        YearShareOut(year=year, retired=PairedShareOut.of(paired, total))
        for year, (total, paired) in sorted(years.items(), key=lambda kv: (kv[0] is None, kv[0]))
    ]
    retired = sum(t for t, _ in years.values())
    paired_retired = sum(p for _, p in years.values())
    return PairedAssistanceOut(
        regions=sorted(regions),
        issued=PairedShareOut.of(paired_issued, issued),
        retired=PairedShareOut.of(paired_retired, retired),
        by_year=by_year,
    )


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
