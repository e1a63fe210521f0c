"""Compliance years, covered entities, uses and the Hubei export file."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from carbon_chain.domain import compliance_destination
from carbon_chain.units import format_tonnes
from registry_node.common.pagination import Page, PageParams
from registry_node.common.types import Amount
from registry_node.compliance import repository
from registry_node.compliance.schemas import (
    ComplianceExportOut,
    ComplianceUseOut,
    ComplianceYearOut,
    CoveredEntityOut,
    EligibleMethodologyOut,
    ExportRowOut,
    ExportTotalsOut,
)
from registry_node.errors import Invalid, NotFound
from registry_node.indexer.handlers import USE_EXPORTED, USE_PENDING, USE_RELEASED
from registry_node.models.index import Batch, ComplianceUse, ComplianceYear, Methodology

EXPORT_FORMAT = "wuhan-hubei-compliance-export"
EXPORT_VERSION = 1
USE_STATUS = {USE_PENDING: "PENDING", USE_EXPORTED: "EXPORTED", USE_RELEASED: "RELEASED"}
EXPORT_COLUMNS = list(ExportRowOut.model_fields)


def iso(seconds: int | None) -> str | None:
    """Return unix seconds as ISO 8601 UTC (`2026-01-31T00:00:00Z`)."""
    if seconds is None:
        return None
    return datetime.fromtimestamp(seconds, UTC).isoformat().replace("+00:00", "Z")


def destination_hash(year: int) -> str:
    """Return the lock destination of a compliance year, as CarbonMarket computes it."""
    return "0x" + compliance_destination(year).hex()


def parse_status(value: str | None) -> int | None:
    """Return the status number of a status name (None passes through).

    Raises:
        Invalid: not PENDING, EXPORTED or RELEASED.
    """
    if value is None:
        return None
    for number, name in USE_STATUS.items():
        if name == value:
            return number
    raise Invalid("status must be one of PENDING, EXPORTED, RELEASED", field="status")


def _year_out(row: ComplianceYear, eligible: list[EligibleMethodologyOut]) -> ComplianceYearOut:
    return ComplianceYearOut(
        year=row.year,
        min_vintage=row.min_vintage,
        max_vintage=row.max_vintage,
        cap_bps=row.cap_bps,
        closes_at=row.closes_at,
        closes_at_iso=iso(row.closes_at) or "",
        destination_hash=destination_hash(row.year),
        eligible_methodologies=eligible,
        block_number=row.block_number,
        tx_hash=row.tx_hash,
    )


def _eligible_by_year(
    session: Session, numbers: list[int]
) -> dict[int, list[EligibleMethodologyOut]]:
    out: dict[int, list[EligibleMethodologyOut]] = defaultdict(list)
    for number, mid, code, version in repository.eligible(session, numbers):
        out[number].append(EligibleMethodologyOut(methodology_id=mid, code=code, version=version))
    return out


def years(session: Session, page: PageParams) -> Page[ComplianceYearOut]:
    """Return a page of compliance years with their eligible methodologies."""
    rows = repository.years(session, page)
    eligible = _eligible_by_year(session, [r.year for r in rows])
    return Page[ComplianceYearOut].build([_year_out(r, eligible[r.year]) for r in rows], page)


def year(session: Session, number: int) -> ComplianceYearOut:
    """Return one compliance year.

    Raises:
        NotFound: the agency has not set this year.
    """
    row = repository.year(session, number)
    if row is None:
        raise NotFound(f"compliance year {number} not found", field="year")
    return _year_out(row, _eligible_by_year(session, [number])[number])


def entities(
    session: Session, number: int, page: PageParams, entity: str | None
) -> Page[CoveredEntityOut]:
    """Return a page of a year's covered entities with cap, use and what is available.

    Raises:
        NotFound: the agency has not set this year.
    """
    terms = year(session, number)
    items = []
    for row, pending, exported in repository.entities(session, number, page, entity):
        used = int(pending) + int(exported)
        # The year's current cap share applies (the event's cap is the one at that time).
        cap = row.verified_emissions * terms.cap_bps // 10_000
        items.append(
            CoveredEntityOut(
                year=row.year,
                entity=row.entity,
                verified_emissions=Amount.of(row.verified_emissions),
                cap=Amount.of(cap),
                used=Amount.of(used),
                pending=Amount.of(int(pending)),
                exported=Amount.of(int(exported)),
                available=Amount.of(max(cap - used, 0)),
                block_number=row.block_number,
                tx_hash=row.tx_hash,
            )
        )
    return Page[CoveredEntityOut].build(items, page)


def _use_out(row: ComplianceUse) -> ComplianceUseOut:
    return ComplianceUseOut(
        use_id=row.use_id,
        year=row.year,
        entity=row.entity,
        batch_id=row.batch_id,
        amount=Amount.of(row.amount),
        lock_id=row.lock_id,
        status=USE_STATUS.get(row.status, f"UNKNOWN_{row.status}"),
        requested_at=row.requested_at,
        market_reference=row.market_reference,
        cancellation_id=None if row.cancellation_id is None else str(row.cancellation_id),
        settled_at=row.settled_at,
        release_reason=row.release_reason,
        block_number=row.block_number,
        tx_hash=row.tx_hash,
        settled_tx_hash=row.settled_tx_hash,
    )


def uses(
    session: Session,
    page: PageParams,
    number: int | None,
    entity: str | None,
    status: str | None,
) -> Page[ComplianceUseOut]:
    """Return a page of compliance uses.

    Raises:
        Invalid: unknown status name.
    """
    rows = repository.uses(session, page, number, entity, parse_status(status))
    return Page[ComplianceUseOut].build([_use_out(r) for r in rows], page)


def use(session: Session, use_id: int) -> ComplianceUseOut:
    """Return one compliance use.

    Raises:
        NotFound: no such use indexed.
    """
    row = repository.use(session, use_id)
    if row is None:
        raise NotFound(f"compliance use {use_id} not found", field="use_id")
    return _use_out(row)


def _export_row(use_: ComplianceUse, batch: Batch | None, m: Methodology | None) -> ExportRowOut:
    exported = use_.status == USE_EXPORTED
    first = use_.cancellation_id if exported else None
    return ExportRowOut(
        year=use_.year,
        entity=use_.entity,
        use_id=use_.use_id,
        status=USE_STATUS[use_.status],
        pending=not exported,
        lock_id=use_.lock_id,
        batch_id=use_.batch_id,
        project_id=batch.project_id if batch is not None else None,
        methodology_code=m.code if m is not None else None,
        methodology_version=m.version if m is not None else None,
        vintage=batch.vintage if batch is not None else None,
        serial_first=None if first is None else str(first),
        serial_last=None if first is None else str(first + use_.amount - 1),
        amount_grams=str(use_.amount),
        amount_tco2e=format_tonnes(use_.amount),
        market_reference=use_.market_reference if exported else None,
        requested_at=use_.requested_at,
        requested_at_iso=iso(use_.requested_at),
        exported_at=use_.settled_at if exported else None,
        exported_at_iso=iso(use_.settled_at) if exported else None,
        request_tx_hash=use_.tx_hash,
        export_tx_hash=use_.settled_tx_hash if exported else None,
    )


def export(session: Session, number: int) -> ComplianceExportOut:
    """Return the export file of a compliance year (EXPORTED and PENDING uses, by use id).

    Raises:
        NotFound: the agency has not set this year.
    """
    terms = year(session, number)
    rows = [_export_row(*r) for r in repository.export_rows(session, number)]
    exported = sum(int(r.amount_grams) for r in rows if not r.pending)
    pending = sum(int(r.amount_grams) for r in rows if r.pending)
    cursor = repository.cursor(session)
    return ComplianceExportOut(
        format=EXPORT_FORMAT,
        version=EXPORT_VERSION,
        chain_id=cursor.chain_id if cursor is not None else None,
        market=cursor.market_address if cursor is not None else None,
        indexed_block=cursor.block_number if cursor is not None else None,
        year=terms,
        totals=ExportTotalsOut(
            exported=Amount.of(exported), pending=Amount.of(pending), rows=len(rows)
        ),
        rows=rows,
    )


def export_csv(session: Session, number: int) -> str:
    """Return the export file of a compliance year as CSV (header + one line per use).

    Raises:
        NotFound: the agency has not set this year.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    for row in export(session, number).rows:
        values = row.model_dump()
        writer.writerow([_cell(values[c]) for c in EXPORT_COLUMNS])
    return out.getvalue()


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
