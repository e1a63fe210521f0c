"""Report queries."""

from __future__ import annotations

import json

from sqlalchemy.orm import Session

from registry_node.common.enums import ReportStatus, name_of, parse_name
from registry_node.common.pagination import Page, PageParams
from registry_node.common.types import Amount
from registry_node.errors import NotFound
from registry_node.models.index import Report
from registry_node.project.service import history
from registry_node.report import repository
from registry_node.report.schemas import ReportOut


def to_out(row: Report) -> ReportOut:
    """Build the response model."""
    return ReportOut(
        report_id=row.report_id,
        project_id=row.project_id,
        methodology_id=row.methodology_id,
        status=name_of(ReportStatus, row.status),
        period_start=row.period_start,
        period_end=row.period_end,
        quantity=Amount.of(row.quantity),
        data_root=row.data_root,
        evidence_hash=row.evidence_hash,
        digest=row.digest,
        signers=json.loads(row.signers),
        submitted_at=row.submitted_at,
        deadline=row.deadline,
        block_number=row.block_number,
        tx_hash=row.tx_hash,
    )


def get(session: Session, report_id: int) -> ReportOut:
    """Return one report.

    Raises:
        NotFound: no such report indexed.
    """
    row = repository.get(session, report_id)
    if row is None:
        raise NotFound(f"report {report_id} not found", field="report_id")
    out = to_out(row)
    out.history = history(session, "report", str(report_id), ReportStatus)
    return out


def search(
    session: Session, page: PageParams, project_id: int | None, status: str | None
) -> Page[ReportOut]:
    """Return a page of reports.

    Raises:
        Invalid: unknown status name.
    """
    rows = repository.search(session, page, project_id, parse_name(ReportStatus, status, "status"))
    return Page[ReportOut].build([to_out(r) for r in rows], page)
