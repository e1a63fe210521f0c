"""Explorer pages of the use side: account statements, citizen points, Hubei compliance years,
imports, retirement plans (paired assistance first) and compensation certificates.

Included into `pages.router` at the end of `pages.py`; the helpers come from there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from carbon_chain.units import format_tonnes, parse_tonnes
from registry_node.account import summary as statements
from registry_node.account.schemas import AccountSummaryOut, ImportReceivedOut
from registry_node.common.deps import DbSession
from registry_node.common.enums import MethodologyKind
from registry_node.common.pagination import Page, PageParams
from registry_node.common.types import Amount, checksum_address
from registry_node.compliance import service as compliance
from registry_node.compliance.schemas import CoveredEntityOut
from registry_node.errors import Invalid, NotFound
from registry_node.explorer import columns as cols
from registry_node.explorer import i18n
from registry_node.explorer import repository as market
from registry_node.explorer.pages import (
    MAX_ID,
    Fields,
    _addr,
    _detail,
    _error,
    _list_page,
    _number,
    _share,
    _translator,
    _tx,
)
from registry_node.explorer.render import Cell, Column, language, render, short, table, when
from registry_node.models.index import ComplianceYear, Redemption
from registry_node.plan import service as plans
from registry_node.plan.regions import paired_regions
from registry_node.plan.schemas import PlanIn
from registry_node.reference.schemas import CaseOut
from registry_node.reference.service import cases
from registry_node.retirement import service as retirements
from registry_node.retirement.schemas import RetirementOut

router = APIRouter(include_in_schema=False)

MIN_YEAR, MAX_YEAR = 2000, 2200


# ------------------------------------------------------------------- account statement


def _year_param(request: Request) -> tuple[int | None, bool]:
    """Return (year or None, valid)."""
    raw = request.query_params.get("year", "")
    if not raw:
        return None, True
    year = _number(raw, MAX_YEAR)
    return (year, True) if year is not None and year >= MIN_YEAR else (None, False)


def _statement_fields(request: Request, s: AccountSummaryOut) -> Fields:
    lang, _ = language(request)
    t = _translator(lang)
    fields: Fields = [(t("address"), Cell(s.address, f"/accounts/{s.address}", mono=True))]
    if s.account is not None:
        fields += [
            (t("kind"), Cell(i18n.label(lang, "AccountKind", s.account.kind))),
            (t("status"), Cell(i18n.label(lang, "AccountStatus", s.account.status))),
            (t("region"), Cell(i18n.region(lang, s.account.region))),
        ]
    fields += [
        (t("held_total"), Cell(s.held.tonnes, numeric=True)),
        (t("share"), Cell(_share(s.held_paired_assistance), numeric=True)),
        (t("year"), Cell(str(s.year) if s.year else t("summary.all_years"))),
    ]
    return fields


@router.get("/accounts/{address}/summary")
def account_summary_page(address: str, request: Request, session: DbSession) -> Response:
    """An enterprise carbon account: holdings, retirements, compliance use, yearly summary."""
    lang, _ = language(request)
    try:
        checked = checksum_address(address)
    except ValueError:
        return _error(request, 400, "error.bad_address")
    year, ok = _year_param(request)
    if not ok:
        return _error(request, 400, "error.bad_id")
    try:
        s = statements.summary(session, checked, year)
    except NotFound:
        return _error(request, 404, "error.not_found")
    t = _translator(lang)
    every = statements.summary(session, checked).years if year else s.years
    base = f"/accounts/{checked}/summary"
    csv = f"/v1/accounts/{checked}/summary.csv" + (f"?year={year}" if year else "")
    links = [(t("summary.csv"), csv, "csv-link"), (t("summary.all_years"), base, "year-all")]
    links += [(str(y.year), f"{base}?year={y.year}", f"year-{y.year}") for y in every if y.year]
    sections = [
        (t("section.holdings"), table(cols.HOLDINGS, s.holdings, lang)),
        (t("section.years"), table(cols.YEARS, s.years, lang)),
        (t("section.retirements"), table(cols.RETIREMENTS_PAIRED, s.retirements, lang)),
        (t("section.compliance_uses"), table(cols.COMPLIANCE_USES, s.compliance_uses, lang)),
        (t("section.imports"), table(cols.IMPORTS, s.imports, lang)),
        (t("section.cancellations"), table(cols.CANCELLATIONS, s.cancellations, lang)),
    ]
    return _detail(
        request,
        "page.summary",
        short(checked),
        _statement_fields(request, s),
        sections,
        note="summary.note",
        links=links,
    )


# ------------------------------------------------------------------- citizen points

REDEMPTIONS: list[Column[Redemption]] = [
    cols.number("redemption_id", lambda r: r.redemption_id),
    cols.number("batch_id", lambda r: r.batch_id, "/batches/"),
    Column("amount", lambda r, _l: Cell(format_tonnes(r.amount), numeric=True), lambda r: ""),
    cols.address("aggregator", lambda r: r.aggregator),
    cols.digest("incentive_reference", lambda r: r.incentive_reference),
    cols.moment("time", lambda r: r.redeemed_at),
    cols.tx("tx_hash", lambda r: r.tx_hash),
]


@router.get("/accounts/{address}/points")
def points_page(address: str, request: Request, session: DbSession) -> Response:
    """A citizen's carbon points: holdings with expiry dates, history and redemptions."""
    lang, _ = language(request)
    try:
        checked = checksum_address(address)
    except ValueError:
        return _error(request, 400, "error.bad_address")
    points = [
        h
        for h in statements.holdings(session, checked)
        if h.kind == MethodologyKind.PERSONAL_SCENARIO.name
    ]
    history = statements.points_history(session, checked)
    redeemed = market.redemptions(session, checked)
    if not points and not history and not redeemed:
        return _error(request, 404, "error.not_found")
    t = _translator(lang)
    total = sum(int(h.balance.grams) for h in points)
    expiries = [h.expires_at for h in points if h.expires_at]
    fields: Fields = [
        (t("address"), Cell(checked, f"/accounts/{checked}", mono=True)),
        (t("held_total"), Cell(format_tonnes(total), numeric=True)),
        (t("expires_at"), Cell(when(min(expiries)) if expiries else "—")),
    ]
    sections = [
        (t("section.holdings"), table(cols.HOLDINGS, points, lang)),
        (t("section.movements"), table(cols.MOVEMENTS, list(reversed(history)), lang)),
        (t("section.redemptions"), table(REDEMPTIONS, redeemed, lang)),
    ]
    return _detail(request, "page.points", short(checked), fields, sections, note="points.note")


# ------------------------------------------------------------------- compliance


@dataclass(frozen=True)
class _Eligibility:
    methodology_id: int
    code: str
    eligible: bool
    block_number: int


YEARS: list[Column[ComplianceYear]] = [
    Column("year", lambda y, _l: Cell(str(y.year), f"/compliance/{y.year}"), lambda y: str(y.year)),
    Column(
        "vintages",
        lambda y, _l: Cell(f"{y.min_vintage} ~ {y.max_vintage}"),
        lambda y: f"{y.min_vintage}-{y.max_vintage}",
    ),
    Column("cap_bps", lambda y, _l: Cell(f"{y.cap_bps / 100:.2f}%"), lambda y: str(y.cap_bps)),
    cols.moment("closes_at", lambda y: y.closes_at),
    cols.tx("tx_hash", lambda y: y.tx_hash),
]

ELIGIBILITY: list[Column[_Eligibility]] = [
    cols.number("methodology_id", lambda e: e.methodology_id, "/methodologies/"),
    cols.text("code", lambda e: e.code),
    cols.yes_no("eligible", lambda e: e.eligible),
    cols.number("block_number", lambda e: e.block_number),
]


def _grams(name: str, amount: Callable[[CoveredEntityOut], Amount]) -> Column[CoveredEntityOut]:
    return Column(
        name,
        lambda e, _l: Cell(amount(e).tonnes, numeric=True),
        lambda e: amount(e).grams,
    )


# The API's rows (`compliance.service.entities`): cap under the year's current cap share.
ENTITIES: list[Column[CoveredEntityOut]] = [
    cols.address("entity", lambda e: e.entity),
    _grams("verified_emissions", lambda e: e.verified_emissions),
    _grams("cap", lambda e: e.cap),
    _grams("used", lambda e: e.used),
    _grams("available", lambda e: e.available),
]

USES = [cols.address("entity", lambda u: u.entity), *cols.COMPLIANCE_USES]


@router.get("/compliance")
def compliance_index(request: Request, session: DbSession) -> Response:
    """The Hubei compliance years the agency has set."""
    lang, _ = language(request)
    t = _translator(lang)
    years = market.compliance_years(session)
    sections = [(t("section.years_list"), table(YEARS, years, lang))]
    return _detail(request, "page.compliance_years", "", [], sections, note="compliance.note")


@router.get("/compliance/{year}")
def compliance_page(year: str, request: Request, session: DbSession) -> Response:
    """One compliance year: terms, eligible methodologies, covered entities, uses."""
    lang, _ = language(request)
    number = _number(year, MAX_YEAR)
    if number is None:
        return _error(request, 404, "error.bad_id")
    terms = market.compliance_year(session, number)
    if terms is None:
        return _error(request, 404, "error.not_found")
    t = _translator(lang)
    fields: Fields = [
        (t("year"), Cell(str(terms.year))),
        (t("vintages"), Cell(f"{terms.min_vintage} ~ {terms.max_vintage}")),
        (t("cap_bps"), Cell(f"{terms.cap_bps / 100:.2f}%")),
        (t("closes_at"), Cell(when(terms.closes_at))),
        (t("block_number"), Cell(str(terms.block_number))),
        (t("tx_hash"), _tx(terms.tx_hash)),
    ]
    eligible = [
        _Eligibility(e.methodology_id, f"{m.code} v{m.version}", e.eligible, e.block_number)
        for e, m in market.eligibility(session, number)
    ]
    every = PageParams(limit=market.MAX_ROWS, offset=0)
    entities = compliance.entities(session, number, every, None).items
    uses = [statements.use_out(u) for u in market.compliance_uses(session, number)]
    sections = [
        (t("section.eligible"), table(ELIGIBILITY, eligible, lang)),
        (t("section.entities"), table(ENTITIES, entities, lang)),
        (t("section.compliance_uses"), table(USES, uses, lang)),
    ]
    return _detail(request, "page.compliance", str(terms.year), fields, sections)


# ------------------------------------------------------------------- imports


def _imports(session: Session, page: PageParams) -> Page[ImportReceivedOut]:
    rows = [statements.import_out(r) for r in market.imports(session, page)]
    return Page[ImportReceivedOut].build(rows, page)


@router.get("/imports")
def import_list(request: Request, session: DbSession) -> Response:
    """Batches imported from partner platforms."""
    return _list_page(request, session, "imports", cols.IMPORTS, _imports)


@router.get("/imports/{import_id}")
def import_page(import_id: str, request: Request, session: DbSession) -> Response:
    """One import: the partner's attested origin serials, period, evidence and the batch."""
    lang, _ = language(request)
    number = _number(import_id, MAX_ID)
    if number is None:
        return _error(request, 404, "error.bad_id")
    row = market.credit_import(session, number)
    if row is None:
        return _error(request, 404, "error.not_found")
    i = statements.import_out(row)
    t = _translator(lang)
    fields: Fields = [
        (t("import_id"), Cell(str(i.import_id))),
        (t("batch_id"), Cell(str(i.batch_id), f"/batches/{i.batch_id}")),
        (t("partner"), _addr(i.partner)),
        (t("project_id"), Cell(str(i.project_id), f"/projects/{i.project_id}")),
        (t("vintage"), Cell(str(i.vintage))),
        (t("period"), Cell(f"{when(i.period_start)} ~ {when(i.period_end)}")),
        (
            t("origin_serials"),
            Cell(f"{i.origin_serial_start} ~ {int(i.origin_serial_end) - 1}", mono=True),
        ),
        (t("amount"), Cell(i.amount.tonnes, numeric=True)),
        (t("amount_grams"), Cell(i.amount.grams, numeric=True)),
        (t("recipient"), _addr(i.recipient)),
        (t("evidence_hash"), Cell(i.evidence_hash, mono=True)),
        (t("digest"), Cell(i.digest, mono=True)),
        (t("time"), Cell(when(i.imported_at))),
        (t("block_number"), Cell(str(i.block_number))),
        (t("tx_hash"), _tx(i.tx_hash)),
    ]
    return _detail(request, "page.import", f"#{i.import_id}", fields)


# ------------------------------------------------------------------- compensation


class CompensationOut(BaseModel):
    """A compensation retirement and the case it names."""

    retirement: RetirementOut = Field(description="The retirement")
    case: CaseOut = Field(description="The case: verified text or the bare hash")


def _case_cell(c: CompensationOut, lang: i18n.Lang) -> Cell:
    if c.case.text:
        return Cell(c.case.text)
    return Cell(short(c.case.reference_hash), mono=True)


COMPENSATION: list[Column[CompensationOut]] = [
    cols.number("certificate_id", lambda c: c.retirement.certificate_id, "/certificates/"),
    Column("case_text", _case_cell, lambda c: c.case.text or c.case.reference_hash),
    Column(
        "case_status",
        lambda c, lang: Cell(
            i18n.text(lang, "cert.case_verified" if c.case.verified else "cert.case_unverified")
        ),
        lambda c: "verified" if c.case.verified else "unverified",
    ),
    cols.amount("amount", lambda c: c.retirement.amount),
    cols.address("beneficiary", lambda c: c.retirement.beneficiary),
    cols.number("batch_id", lambda c: c.retirement.batch_id, "/batches/"),
    cols.paired("paired_assistance", lambda c: c.retirement.paired_assistance),
    cols.moment("time", lambda c: c.retirement.retired_at),
    cols.tx("tx_hash", lambda c: c.retirement.tx_hash),
]


def _compensations(session: Session, page: PageParams) -> Page[CompensationOut]:
    found = retirements.search(session, page, purpose="ECOLOGICAL_COMPENSATION")
    named = cases(session, (r.reference_hash for r in found.items))
    items = [
        CompensationOut(retirement=r, case=named[r.reference_hash.lower()]) for r in found.items
    ]
    return Page[CompensationOut](
        items=items, limit=found.limit, offset=found.offset, next_offset=found.next_offset
    )


@router.get("/compensation")
def compensation_list(request: Request, session: DbSession) -> Response:
    """Ecological-damage compensation certificates with the court case each names."""
    return _list_page(request, session, "compensation", COMPENSATION, _compensations)


# ------------------------------------------------------------------- retirement plan


def _plan_input(request: Request) -> tuple[PlanIn | None, str | None]:
    """Read the plan form; return (request, None), (None, error key) or (None, None) if empty."""
    q = request.query_params
    holder = q.get("holder", "").strip()
    if not holder:
        return None, None
    try:
        checked = checksum_address(holder)
    except ValueError:
        return None, "error.bad_address"
    try:
        grams = parse_tonnes(q.get("amount", "").strip())
    except ValueError:
        return None, "plan.bad_amount"
    if not 1 <= grams < 2**64:
        return None, "plan.bad_amount"
    event_raw = q.get("event_id", "").strip()
    event_id = _number(event_raw, MAX_ID) if event_raw else None
    if event_raw and not event_id:
        return None, "plan.bad_event"
    priority = "priority_first" in q or "submitted" not in q
    body = PlanIn(holder=checked, amount=grams, event_id=event_id, priority_first=priority)
    return body, None


@router.get("/plan")
def plan_page(request: Request, session: DbSession) -> Response:
    """A form that plans a retirement, paired-assistance regions first, and shows the result."""
    lang, cookie = language(request)
    t = _translator(lang)
    body, problem = _plan_input(request)
    message: str | None = t(problem) if problem else None
    result = None
    status = 400 if problem else 200
    if body is not None:
        try:
            plan = plans.plan(session, body)
        except plans.InsufficientHoldings as exc:
            message = f"{t('plan.missing')} {format_tonnes(int(exc.extra['missing']))}"
            status = 409
        except (NotFound, Invalid) as exc:
            message, status = exc.detail, exc.status_code
        else:
            result = {
                "fields": [
                    (t("amount"), Cell(plan.total.tonnes, numeric=True)),
                    (t("share"), Cell(_share(plan.paired_assistance), numeric=True)),
                ],
                "lines": table(cols.PLAN_LINES, plan.lines, lang),
                "ops": table(cols.PLAN_OPS, plan.ops, lang),
                "skipped": table(cols.SKIPPED, plan.skipped, lang) if plan.skipped else None,
            }
    q = request.query_params
    return render(
        request,
        "plan.html",
        lang,
        cookie,
        status,
        title="page.plan",
        form={
            "holder": q.get("holder", ""),
            "amount": q.get("amount", ""),
            "event_id": q.get("event_id", ""),
            "priority_first": body.priority_first if body else "submitted" not in q,
        },
        regions=", ".join(i18n.region(lang, r) for r in sorted(paired_regions())),
        message=message,
        result=result,
    )
