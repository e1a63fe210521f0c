"""Explorer pages: lists (HTML or `?format=csv`), detail pages, certificates, search."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from registry_node.account import service as accounts
from registry_node.batch import service as batches
from registry_node.claim import service as claims
from registry_node.common.deps import DbSession
from registry_node.common.pagination import Page, PageParams
from registry_node.common.types import check_hash, checksum_address
from registry_node.errors import NotFound
from registry_node.event import service as events
from registry_node.explorer import columns as cols
from registry_node.explorer import i18n
from registry_node.explorer.i18n import Lang
from registry_node.explorer.render import (
    STATIC,
    Cell,
    Column,
    chart,
    csv_response,
    language,
    public_rpc,
    qr_svg,
    render,
    short,
    table,
    when,
)
from registry_node.explorer.repository import logs_in_tx
from registry_node.indexer.cursor import load_cursor
from registry_node.methodology import service as methodologies
from registry_node.plan.schemas import PairedShareOut
from registry_node.project import service as projects
from registry_node.report import service as reports
from registry_node.retirement import service as retirements
from registry_node.stats import service as stats

T = TypeVar("T")
router = APIRouter(include_in_schema=False)

PAGE_SIZE = 50
SUB_LIST = 200  # rows of a list shown inside a detail page
CSV_PAGE = 500
MAX_CSV_ROWS = 100_000
MAX_QUERY = 200
MAX_ID = 2**63 - 1
MAX_SERIAL = 2**256 - 1
_DIGITS = re.compile(r"[0-9]{1,78}")

Fields = list[tuple[str, Cell]]


# ------------------------------------------------------------------- parsing


def _number(value: str, upper: int) -> int | None:
    """Return a non-negative integer up to `upper` written in ASCII digits, else None."""
    value = value.strip().lstrip("#")
    if not _DIGITS.fullmatch(value):
        return None
    number = int(value)
    return number if number <= upper else None


def _translator(lang: Lang) -> Callable[[str], str]:
    return functools.partial(i18n.text, lang)


def _offset(request: Request) -> int:
    return _number(request.query_params.get("offset", "0"), 10_000_000) or 0


def _wants_csv(request: Request) -> bool:
    return request.query_params.get("format") == "csv"


def _error(request: Request, status: int, message: str) -> Response:
    lang, cookie = language(request)
    title = "error.404" if status == 404 else "error.400"
    return render(
        request, "error.html", lang, cookie, status, title=title, message=i18n.text(lang, message)
    )


def _all(fetch: Callable[[PageParams], Page[T]]) -> Iterator[T]:
    """Yield every item of a list, page by page, up to MAX_CSV_ROWS."""
    offset = 0
    while offset < MAX_CSV_ROWS:
        page = fetch(PageParams(limit=CSV_PAGE, offset=offset))
        yield from page.items
        if page.next_offset is None:
            return
        offset = page.next_offset


def _first(fetch: Callable[[PageParams], Page[T]]) -> list[T]:
    return fetch(PageParams(limit=SUB_LIST, offset=0)).items


# ------------------------------------------------------------------- lists


def _list_page(
    request: Request,
    session: Session,
    name: str,
    columns: Sequence[Column[T]],
    fetch: Callable[[Session, PageParams], Page[T]],
) -> Response:
    """Render one page of a list, or the whole list as CSV with `?format=csv`."""
    if _wants_csv(request):
        items = list(_all(lambda p: fetch(session, p)))
        return csv_response(name, columns, iter(items))
    lang, cookie = language(request)
    offset = _offset(request)
    page = fetch(session, PageParams(limit=PAGE_SIZE, offset=offset))
    prev_url = (
        str(request.url.include_query_params(offset=max(0, offset - PAGE_SIZE))) if offset else None
    )
    next_url = (
        str(request.url.include_query_params(offset=page.next_offset))
        if page.next_offset is not None
        else None
    )
    return render(
        request,
        "list.html",
        lang,
        cookie,
        title=f"nav.{name}",
        table=table(columns, page.items, lang),
        csv_url=str(
            request.url.remove_query_params(["offset", "lang"]).include_query_params(format="csv")
        ),
        prev_url=prev_url,
        next_url=next_url,
    )


@router.get("/methodologies")
def methodology_list(request: Request, session: DbSession) -> Response:
    """List methodologies."""
    return _list_page(
        request,
        session,
        "methodologies",
        cols.METHODOLOGIES,
        lambda s, p: methodologies.search(s, p, None, None, None, None),
    )


@router.get("/projects")
def project_list(request: Request, session: DbSession) -> Response:
    """List projects."""
    return _list_page(
        request,
        session,
        "projects",
        cols.PROJECTS,
        lambda s, p: projects.search(s, p, None, None, None, None),
    )


@router.get("/batches")
def batch_list(request: Request, session: DbSession) -> Response:
    """List batches with their supply."""
    return _list_page(
        request,
        session,
        "batches",
        cols.BATCHES,
        lambda s, p: batches.search(s, p, None, None, None),
    )


@router.get("/accounts")
def account_list(request: Request, session: DbSession) -> Response:
    """List carbon accounts."""
    return _list_page(
        request,
        session,
        "accounts",
        cols.ACCOUNTS,
        lambda s, p: accounts.search(s, p, None, None, None),
    )


@router.get("/retirements")
def retirement_list(request: Request, session: DbSession) -> Response:
    """List retirements (certificates)."""
    return _list_page(
        request, session, "retirements", cols.RETIREMENTS, lambda s, p: retirements.search(s, p)
    )


@router.get("/cancellations")
def cancellation_list(request: Request, session: DbSession) -> Response:
    """List cancellations."""
    return _list_page(
        request,
        session,
        "cancellations",
        cols.CANCELLATIONS,
        lambda s, p: retirements.cancellations(s, p, None, None, None),
    )


@router.get("/events")
def event_list(request: Request, session: DbSession) -> Response:
    """List large events."""
    return _list_page(
        request, session, "events", cols.EVENTS, lambda s, p: events.search(s, p, None, None)
    )


# ------------------------------------------------------------------- home


@router.get("/")
def home(request: Request, session: DbSession) -> Response:
    """Totals issued / held / retired / cancelled, and charts by sector, region and vintage."""
    lang, cookie = language(request)
    overall = stats.overall(session)
    charts = []
    for by in ("sector", "region", "vintage"):
        groups = stats.totals(session, by, with_paired=False).groups
        labels: dict[str, Callable[[str], str]] = {
            "sector": functools.partial(i18n.label, lang, "sector"),
            "region": functools.partial(i18n.region, lang),
            "vintage": str,
        }
        rows = [
            (
                labels[by](g.key),
                int(g.issued.grams),
                int(g.retired.grams),
                g.issued.tonnes,
                g.retired.tonnes,
            )
            for g in groups
        ]
        charts.append(chart(i18n.text(lang, f"home.by_{by}"), rows))
    cursor = load_cursor(session.connection())
    totals = [
        ("total.issued", overall.issued.tonnes),
        ("total.held", overall.held.tonnes),
        ("total.retired", overall.retired.tonnes),
        ("total.cancelled", overall.cancelled.tonnes),
        ("total.unclaimed", overall.unclaimed.tonnes),
    ]
    return render(
        request,
        "home.html",
        lang,
        cookie,
        totals=totals,
        batches=overall.batches,
        charts=charts,
        indexed_block=cursor.block_number if cursor else None,
        paired=_share(stats.paired_assistance(session).retired),
    )


# ------------------------------------------------------------------- details


def _detail(
    request: Request,
    title: str,
    heading: str,
    fields: Fields,
    sections: Sequence[tuple[str, Any]] = (),
    template: str = "detail.html",
    **context: Any,
) -> Response:
    lang, cookie = language(request)
    return render(
        request,
        template,
        lang,
        cookie,
        title=title,
        heading=heading,
        fields=fields,
        sections=sections,
        **context,
    )


def _addr(value: str | None) -> Cell:
    return Cell(value, f"/accounts/{value}", mono=True) if value else Cell("—")


def _tx(value: str) -> Cell:
    return Cell(value, f"/tx/{value}", mono=True)


@router.get("/methodologies/{methodology_id}")
def methodology_page(methodology_id: str, request: Request, session: DbSession) -> Response:
    """One methodology and the projects that use it."""
    lang, _ = language(request)
    number = _number(methodology_id, MAX_ID)
    if number is None:
        return _error(request, 404, "error.bad_id")
    try:
        m = methodologies.get(session, number)
    except NotFound:
        return _error(request, 404, "error.not_found")
    t = _translator(lang)
    fields: Fields = [
        (t("code"), Cell(f"{m.code} v{m.version}")),
        (t("sector"), Cell(i18n.label(lang, "sector", m.sector))),
        (t("kind"), Cell(i18n.label(lang, "MethodologyKind", m.kind))),
        (t("status"), Cell(i18n.label(lang, "MethodologyStatus", m.status))),
        (t("point_validity_days"), Cell(str(m.point_validity // cols.DAY))),
        (t("document_hash"), Cell(m.document_hash, mono=True)),
        (t("block_number"), Cell(str(m.block_number))),
        (t("tx_hash"), _tx(m.tx_hash)),
    ]
    used = _first(lambda p: projects.search(session, p, None, None, number, None))
    sections = [(t("section.projects"), table(cols.PROJECTS, used, lang))]
    return _detail(request, "page.methodology", f"{m.code} v{m.version}", fields, sections)


@router.get("/projects/{project_id}")
def project_page(project_id: str, request: Request, session: DbSession) -> Response:
    """One project: status, public notice, history, reports and batches."""
    lang, _ = language(request)
    number = _number(project_id, MAX_ID)
    if number is None:
        return _error(request, 404, "error.bad_id")
    try:
        p = projects.get(session, number)
    except NotFound:
        return _error(request, 404, "error.not_found")
    t = _translator(lang)
    cursor = load_cursor(session.connection())
    notice_open = p.status == "PROPOSED" and (
        cursor is None or p.notice_ends_at > cursor.updated_at
    )
    notice = (
        f"{t('notice.open')} {when(p.notice_ends_at)}"
        if notice_open
        else f"{t('notice.over')} ({when(p.notice_ends_at)})"
    )
    fields: Fields = [
        (t("status"), Cell(i18n.label(lang, "ProjectStatus", p.status))),
        (t("notice"), Cell(notice)),
        (t("methodology_id"), Cell(str(p.methodology_id), f"/methodologies/{p.methodology_id}")),
        (t("proponent"), _addr(p.proponent)),
        (t("region"), Cell(i18n.region(lang, p.region))),
        (t("metadata_uri"), Cell(p.metadata_uri or "—")),
        (t("metadata_hash"), Cell(p.metadata_hash, mono=True)),
        (t("block_number"), Cell(str(p.block_number))),
        (t("tx_hash"), _tx(p.tx_hash)),
    ]
    sections = [
        (t("history"), table(cols.HISTORY, p.history or [], lang)),
        (
            t("section.reports"),
            table(cols.REPORTS, _first(lambda pg: reports.search(session, pg, number, None)), lang),
        ),
        (
            t("section.batches"),
            table(
                cols.BATCHES,
                _first(lambda pg: batches.search(session, pg, number, None, None)),
                lang,
            ),
        ),
    ]
    return _detail(request, "page.project", f"#{p.project_id}", fields, sections)


@router.get("/batches/{batch_id}")
def batch_page(batch_id: str, request: Request, session: DbSession) -> Response:
    """One batch: serial block, supply, holders, claims, retirements and cancellations."""
    lang, _ = language(request)
    number = _number(batch_id, MAX_ID)
    if number is None:
        return _error(request, 404, "error.bad_id")
    try:
        b = batches.get(session, number)
    except NotFound:
        return _error(request, 404, "error.not_found")
    t = _translator(lang)
    s = b.supply
    fields: Fields = [
        (t("project_id"), Cell(str(b.project_id), f"/projects/{b.project_id}")),
        (t("report_id"), Cell(str(b.report_id))),
        (t("vintage"), Cell(str(b.vintage))),
        (t("kind"), Cell(i18n.label(lang, "MethodologyKind", b.kind))),
        (t("serial_block"), Cell(f"{b.serial_start} ~ {cols.serial_end(b)}", mono=True)),
        (t("recipient"), _addr(b.recipient)),
        (t("issued"), Cell(s.issued.tonnes, numeric=True)),
        (t("held"), Cell(s.held.tonnes, numeric=True)),
        (t("retired"), Cell(s.retired.tonnes, numeric=True)),
        (t("cancelled"), Cell(s.cancelled.tonnes, numeric=True)),
        (t("unclaimed"), Cell(s.unclaimed.tonnes, numeric=True)),
        (t("claimed"), Cell(s.claimed.tonnes, numeric=True)),
        (t("locked"), Cell(s.locked.tonnes, numeric=True)),
        (t("buffer"), Cell(b.buffer_amount.tonnes, numeric=True)),
    ]
    if b.claim_deadline:
        fields += [
            (t("distribution"), Cell(b.merkle_root, mono=True)),
            (t("claim_deadline"), Cell(when(b.claim_deadline))),
        ]
    if b.expires_at:
        fields.append((t("expires_at"), Cell(when(b.expires_at))))
    fields += [(t("block_number"), Cell(str(b.block_number))), (t("tx_hash"), _tx(b.tx_hash))]
    sections = [
        (
            t("section.holders"),
            table(cols.HOLDERS, _first(lambda p: batches.holders(session, number, p)), lang),
        ),
        (
            t("section.claims"),
            table(cols.CLAIMS, _first(lambda p: claims.for_batch(session, number, p)), lang),
        ),
        (
            t("section.retirements"),
            table(
                cols.RETIREMENTS,
                _first(lambda p: retirements.search(session, p, batch_id=number)),
                lang,
            ),
        ),
        (
            t("section.cancellations"),
            table(
                cols.CANCELLATIONS,
                _first(lambda p: retirements.cancellations(session, p, number, None, None)),
                lang,
            ),
        ),
    ]
    return _detail(request, "page.batch", f"#{b.batch_id}", fields, sections)


@router.get("/accounts/{address}")
def account_page(address: str, request: Request, session: DbSession) -> Response:
    """One (pseudonymous) account: balances, retirements and ledger history."""
    lang, _ = language(request)
    try:
        checked = checksum_address(address)
    except ValueError:
        return _error(request, 400, "error.bad_address")
    t = _translator(lang)
    held = _first(lambda p: accounts.balances(session, checked, p))
    activity = accounts.activity(session, checked, SUB_LIST)
    fields: Fields = [(t("address"), Cell(checked, mono=True))]
    try:
        a = accounts.get(session, checked)
    except NotFound:
        if not held and not activity:
            return _error(request, 404, "error.not_found")
        note = "account.unregistered"
    else:
        note = "account.pseudonymous"
        fields += [
            (t("kind"), Cell(i18n.label(lang, "AccountKind", a.kind))),
            (t("status"), Cell(i18n.label(lang, "AccountStatus", a.status))),
            (t("region"), Cell(i18n.region(lang, a.region))),
            (t("record_hash"), Cell(a.record_hash, mono=True)),
            (t("block_number"), Cell(str(a.block_number))),
            (t("tx_hash"), _tx(a.tx_hash)),
        ]
    retired = _first(lambda p: retirements.search(session, p, holder=checked))
    sections = [
        (t("section.balances"), table(cols.BALANCES, held, lang)),
        (t("section.retirements"), table(cols.RETIREMENTS, retired, lang)),
        (t("section.activity"), table(cols.LEDGER, activity, lang)),
    ]
    if note == "account.pseudonymous" and a.history:
        sections.insert(0, (t("history"), table(cols.HISTORY, a.history, lang)))
    links = [(t("account.summary_link"), f"/accounts/{checked}/summary", "summary-link")]
    if note == "account.pseudonymous" and a.kind == "INDIVIDUAL":
        links.append((t("account.points_link"), f"/accounts/{checked}/points", "points-link"))
    return _detail(
        request, "page.account", short(checked), fields, sections, note=note, links=links
    )


@router.get("/tx/{tx_hash}")
def tx_page(tx_hash: str, request: Request, session: DbSession) -> Response:
    """The indexed logs of one transaction."""
    lang, _ = language(request)
    try:
        checked = check_hash(tx_hash)
    except ValueError:
        return _error(request, 400, "error.bad_hash")
    logs = [accounts.ledger_entry(r) for r in logs_in_tx(session, checked)]
    if not logs:
        return _error(request, 404, "error.not_found")
    t = _translator(lang)
    fields: Fields = [
        (t("tx_hash"), Cell(checked, mono=True)),
        (t("block_number"), Cell(str(logs[0].block_number))),
    ]
    sections = [(t("section.logs"), table(cols.LEDGER, logs, lang))]
    return _detail(request, "page.tx", short(checked), fields, sections)


# ------------------------------------------------------------------- certificates


def _verify(session: Session, request: Request) -> dict[str, str]:
    """Return the auditor commands that check this page against the chain alone."""
    settings = request.app.state.settings
    rpc = public_rpc(settings.rpc_url)
    cursor = load_cursor(session.connection())
    by_manifest = (
        f"auditor audit --rpc {rpc} --manifest {settings.manifest_path} "
        f"--datasets {settings.datasets_dir}"
    )
    by_address = ""
    if cursor is not None:
        by_address = (
            f"auditor audit --rpc {rpc} --registry {cursor.registry} --ledger {cursor.ledger} "
            f"--deploy-block {cursor.deploy_block} --datasets {settings.datasets_dir} "
            f"--node {str(request.base_url).rstrip('/')}"
        )
    return {"by_manifest": by_manifest, "by_address": by_address}


def _certificate(
    request: Request, session: Session, certificate_id: str, printable: bool
) -> Response:
    lang, cookie = language(request)
    number = _number(certificate_id, MAX_SERIAL)
    if number is None:
        return _error(request, 404, "error.bad_id")
    try:
        c = retirements.certificate(session, number)
    except NotFound:
        return _error(request, 404, "error.not_found")
    r = c.retirement
    t = _translator(lang)
    fields: Fields = [
        (t("certificate_id"), Cell(r.certificate_id, mono=True)),
        (t("amount"), Cell(r.amount.tonnes, numeric=True)),
        (t("amount_grams"), Cell(r.amount.grams, numeric=True)),
        (t("purpose"), Cell(i18n.label(lang, "RetirementPurpose", r.purpose))),
        (t("beneficiary"), _addr(r.beneficiary)),
        (t("holder"), _addr(r.holder)),
        (t("region"), Cell(i18n.region(lang, r.region))),
        (t("time"), Cell(when(r.retired_at))),
        (t("cert.serials"), Cell(f"{r.serial_first} ~ {r.serial_last}", mono=True)),
        (t("reference_hash"), Cell(r.reference_hash, mono=True)),
        (t("block_number"), Cell(str(r.block_number))),
        (t("tx_hash"), _tx(r.tx_hash)),
    ]
    if r.event_id is not None:
        fields.insert(4, (t("event_id"), Cell(str(r.event_id), f"/events/{r.event_id}")))
    provenance: Fields = [
        (t("batch_id"), Cell(str(r.batch_id), f"/batches/{r.batch_id}")),
        (t("project_id"), Cell(str(c.project_id), f"/projects/{c.project_id}")),
        (t("report_id"), Cell(str(c.report_id))),
        (t("vintage"), Cell(str(c.vintage))),
        (t("code"), Cell(f"{c.methodology_code} v{c.methodology_version}")),
        (t("sector"), Cell(i18n.label(lang, "sector", c.sector))),
        (t("region"), Cell(i18n.region(lang, c.project_region))),
        (t("paired_assistance"), Cell(t("yes") if c.paired_assistance else t("no"))),
    ]
    if c.case is not None:
        status = "cert.case_verified" if c.case.verified else "cert.case_unverified"
        fields.insert(4, (t("case_text"), Cell(c.case.text) if c.case.text else Cell("—")))
        fields.insert(5, (t("case_status"), Cell(t(status))))
    url = str(request.url_for("certificate_page", certificate_id=r.certificate_id))
    return render(
        request,
        "certificate_print.html" if printable else "certificate.html",
        lang,
        cookie,
        title="page.certificate",
        heading=f"No. {r.certificate_id}",
        statement="cert.statement",
        fields=fields,
        provenance=provenance,
        retirements=None,
        neutral=True,
        verify=_verify(session, request),
        online_url=url,
        print_url=str(request.url_for("certificate_print", certificate_id=r.certificate_id)),
        qr=qr_svg(url) if printable else None,
    )


@router.get("/certificates/{certificate_id}")
def certificate_page(certificate_id: str, request: Request, session: DbSession) -> Response:
    """A retirement certificate with its provenance and how to verify it."""
    return _certificate(request, session, certificate_id, printable=False)


@router.get("/certificates/{certificate_id}/print")
def certificate_print(certificate_id: str, request: Request, session: DbSession) -> Response:
    """The printable retirement certificate with a QR code to the online page."""
    return _certificate(request, session, certificate_id, printable=True)


def _share(share: PairedShareOut) -> str:
    """Return "x.xxxxxx t (yy.yy%)" of a paired-assistance share."""
    return f"{share.paired_assistance.tonnes} t ({share.percent}%)"


def _event(request: Request, session: Session, event_id: str, printable: bool) -> Response:
    lang, cookie = language(request)
    number = _number(event_id, MAX_ID)
    if number is None:
        return _error(request, 404, "error.bad_id")
    try:
        cert = events.certificate(session, number)
    except NotFound:
        return _error(request, 404, "error.not_found")
    e = cert.event
    t = _translator(lang)
    fields: Fields = [
        (t("event_id"), Cell(str(e.event_id))),
        (t("name"), Cell(e.name)),
        (t("organiser"), _addr(e.organiser)),
        (t("region"), Cell(i18n.region(lang, e.region))),
        (t("dates"), Cell(f"{when(e.starts_at)} ~ {when(e.ends_at)}")),
        (t("footprint"), Cell(e.footprint.tonnes, numeric=True)),
        (t("retired"), Cell(e.retired.tonnes, numeric=True)),
        (t("outstanding"), Cell(e.outstanding.tonnes, numeric=True)),
        (t("cert.paired_share"), Cell(_share(cert.paired_assistance), numeric=True)),
        (t("neutral"), Cell(t("yes") if e.neutralised else t("no"))),
        (t("evidence_hash"), Cell(e.evidence_hash, mono=True)),
        (t("block_number"), Cell(str(e.block_number))),
        (t("tx_hash"), _tx(e.tx_hash)),
    ]
    if e.neutralised_block is not None:
        fields.insert(10, (t("cert.neutral_at"), Cell(str(e.neutralised_block))))
    url = str(request.url_for("event_page", event_id=str(e.event_id)))
    return render(
        request,
        "certificate_print.html" if printable else "certificate.html",
        lang,
        cookie,
        title="page.event",
        heading=e.name,
        statement="cert.event_statement",
        fields=fields,
        provenance=None,
        retirements=table(cols.RETIREMENTS_PAIRED, cert.retirements, lang),
        neutral=e.neutralised,
        verify=_verify(session, request),
        online_url=url,
        print_url=str(request.url_for("event_print", event_id=str(e.event_id))),
        qr=qr_svg(url) if printable else None,
    )


@router.get("/events/{event_id}")
def event_page(event_id: str, request: Request, session: DbSession) -> Response:
    """An event's carbon-neutrality certificate: retirements, tx hashes, blocks, verification."""
    return _event(request, session, event_id, printable=False)


@router.get("/events/{event_id}/print")
def event_print(event_id: str, request: Request, session: DbSession) -> Response:
    """The printable neutrality certificate with a QR code to the online page."""
    return _event(request, session, event_id, printable=True)


# ------------------------------------------------------------------- search


def _exists(lookup: Callable[[], object]) -> bool:
    try:
        lookup()
    except NotFound:
        return False
    return True


def _numeric_matches(session: Session, number: int) -> list[tuple[str, str, str]]:
    """Return (kind key, label, url) of every record a number can name."""
    found: list[tuple[str, str, str]] = []
    is_certificate = _exists(lambda: retirements.get(session, number))
    if is_certificate:
        found.append(("match.certificate", f"No. {number}", f"/certificates/{number}"))
    held_by, cancelled_by = retirements.containing_serial(session, number)
    if held_by is not None and not is_certificate:
        cid = held_by.certificate_id
        found.append(("match.serial_retirement", f"No. {cid}", f"/certificates/{cid}"))
    if cancelled_by is not None:
        label, batch_id = f"#{cancelled_by.cancellation_id}", cancelled_by.batch_id
        found.append(("match.serial_cancellation", label, f"/batches/{batch_id}"))
    # A serial still live names its batch; a consumed one is named by its retirement or
    # cancellation above (whose page links the batch).
    batch = batches.containing_serial(session, number)
    if batch is not None and held_by is None and cancelled_by is None:
        found.append(("match.serial_batch", f"#{batch.batch_id}", f"/batches/{batch.batch_id}"))
    if number <= MAX_ID:
        named = (
            ("match.project", "/projects/", projects.get),
            ("match.batch", "/batches/", batches.get),
            ("match.event", "/events/", events.get),
        )
        for kind, prefix, get in named:
            if _exists(lambda get=get: get(session, number)):  # type: ignore[misc]
                found.append((kind, f"#{number}", f"{prefix}{number}"))
    return found


@router.get("/search")
def search(request: Request, session: DbSession) -> Response:
    """Find a serial, tx hash, address, project, batch, event or certificate number."""
    lang, cookie = language(request)
    query = request.query_params.get("q", "").strip()
    message: str | None = None
    found: list[tuple[str, str, str]] = []
    if len(query) > MAX_QUERY:
        message, query = "search.too_long", ""
    elif query.lower().startswith("0x") and len(query) == 42:
        try:
            found = [("match.account", query, f"/accounts/{checksum_address(query)}")]
        except ValueError:
            message = "error.bad_address"
    elif query.lower().startswith("0x") and len(query) == 66:
        checked = query.lower()
        try:
            check_hash(checked)
        except ValueError:
            message = "error.bad_hash"
        else:
            if logs_in_tx(session, checked):
                found = [("match.tx", checked, f"/tx/{checked}")]
    elif query:
        number = _number(query, MAX_SERIAL)
        if number is not None:
            found = _numeric_matches(session, number)
    if len(found) == 1:
        return RedirectResponse(found[0][2], status_code=303)
    results = [(i18n.text(lang, kind), label, url) for kind, label, url in found]
    status = 400 if message else 200
    return render(
        request,
        "search.html",
        lang,
        cookie,
        status,
        title="search.title",
        query=query,
        results=results,
        message=message,
    )


# ------------------------------------------------------------------- static


@router.get("/static/explorer.css")
def stylesheet() -> Response:
    """The explorer's only stylesheet (no build step)."""
    css = (STATIC / "explorer.css").read_text(encoding="utf-8")
    return Response(css, media_type="text/css", headers={"Cache-Control": "public, max-age=3600"})
