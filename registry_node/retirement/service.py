"""Retirement, certificate and cancellation queries."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from registry_node.common.enums import CancellationKind, RetirementPurpose, name_of, parse_name
from registry_node.common.pagination import Page, PageParams
from registry_node.common.types import Amount
from registry_node.errors import NotFound
from registry_node.models.index import Cancellation, Retirement
from registry_node.plan.regions import is_paired, paired_regions, region_name
from registry_node.reference import service as references
from registry_node.retirement import repository
from registry_node.retirement.schemas import CancellationOut, CertificateOut, RetirementOut


def to_out(row: Retirement) -> RetirementOut:
    """Build the response model."""
    return RetirementOut(
        certificate_id=str(row.certificate_id),
        batch_id=row.batch_id,
        holder=row.holder,
        beneficiary=row.beneficiary,
        amount=Amount.of(row.amount),
        purpose=name_of(RetirementPurpose, row.purpose),
        reference_hash=row.reference_hash,
        region=row.region,
        event_id=row.event_id,
        serial_first=str(row.certificate_id),
        serial_last=str(row.certificate_id + row.amount - 1),
        retired_at=row.block_time,
        block_number=row.block_number,
        tx_hash=row.tx_hash,
    )


def outs(session: Session, rows: Sequence[Retirement]) -> list[RetirementOut]:
    """Build response models with each retirement's project and paired-assistance flag."""
    origin = repository.provenance(session, (r.batch_id for r in rows))
    regions = paired_regions()
    out: list[RetirementOut] = []
    for row in rows:
        item = to_out(row)
        found = origin.get(row.batch_id)
        if found is not None:
            item.project_id, item.project_region = found
            item.paired_assistance = is_paired(found[1], regions)
        out.append(item)
    return out


def get(session: Session, certificate_id: int) -> RetirementOut:
    """Return one retirement.

    Raises:
        NotFound: no such certificate indexed.
    """
    row = repository.get(session, certificate_id)
    if row is None:
        raise NotFound(f"certificate {certificate_id} not found", field="certificate_id")
    return outs(session, [row])[0]


def search(
    session: Session,
    page: PageParams,
    *,
    beneficiary: str | None = None,
    holder: str | None = None,
    purpose: str | None = None,
    event_id: int | None = None,
    batch_id: int | None = None,
) -> Page[RetirementOut]:
    """Return a page of retirements.

    Raises:
        Invalid: unknown purpose name.
    """
    rows = repository.search(
        session,
        page,
        beneficiary=beneficiary,
        holder=holder,
        purpose=parse_name(RetirementPurpose, purpose, "purpose"),
        event_id=event_id,
        batch_id=batch_id,
    )
    return Page[RetirementOut].build(outs(session, rows), page)


def certificate(session: Session, certificate_id: int) -> CertificateOut:
    """Return a retirement certificate with the provenance of its credits.

    Raises:
        NotFound: no such certificate indexed.
    """
    row = repository.certificate(session, certificate_id)
    if row is None:
        raise NotFound(f"certificate {certificate_id} not found", field="certificate_id")
    retirement, batch, project, methodology = row
    case = None
    if retirement.purpose == RetirementPurpose.ECOLOGICAL_COMPENSATION:
        ref = retirement.reference_hash.lower()
        case = references.cases(session, [ref])[ref]
    return CertificateOut(
        retirement=outs(session, [retirement])[0],
        project_id=project.project_id,
        report_id=batch.report_id,
        vintage=batch.vintage,
        methodology_code=methodology.code,
        methodology_version=methodology.version,
        sector=methodology.sector,
        project_region=project.region,
        project_region_name=region_name(project.region),
        paired_assistance=is_paired(project.region),
        case=case,
    )


def cancellation_out(row: Cancellation) -> CancellationOut:
    """Build the response model."""
    return CancellationOut(
        cancellation_id=str(row.cancellation_id),
        batch_id=row.batch_id,
        holder=row.holder,
        amount=Amount.of(row.amount),
        kind=name_of(CancellationKind, row.kind),
        reference_hash=row.reference_hash,
        reason=row.reason,
        cancelled_at=row.block_time,
        block_number=row.block_number,
        tx_hash=row.tx_hash,
    )


def get_cancellation(session: Session, cancellation_id: int) -> CancellationOut:
    """Return one cancellation.

    Raises:
        NotFound: no such cancellation indexed.
    """
    row = repository.get_cancellation(session, cancellation_id)
    if row is None:
        raise NotFound(f"cancellation {cancellation_id} not found", field="cancellation_id")
    return cancellation_out(row)


def cancellations(
    session: Session,
    page: PageParams,
    batch_id: int | None,
    kind: str | None,
    holder: str | None,
) -> Page[CancellationOut]:
    """Return a page of cancellations.

    Raises:
        Invalid: unknown kind name.
    """
    code = parse_name(CancellationKind, kind, "kind")
    rows = repository.cancellations(session, page, batch_id, code, holder)
    return Page[CancellationOut].build([cancellation_out(r) for r in rows], page)


def containing_serial(
    session: Session, serial: int
) -> tuple[RetirementOut | None, CancellationOut | None]:
    """Return the retirement and the cancellation (at most one exists) that consumed `serial`."""
    retirement = repository.retirement_containing(session, serial)
    cancellation = repository.cancellation_containing(session, serial)
    return (
        to_out(retirement) if retirement is not None else None,
        cancellation_out(cancellation) if cancellation is not None else None,
    )
