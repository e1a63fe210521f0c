"""Column definitions of every explorer list (HTML cells and CSV values from one place)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TypeVar

from registry_node.account.schemas import (
    AccountComplianceUseOut,
    AccountOut,
    BalanceOut,
    HoldingOut,
    ImportReceivedOut,
    LedgerEntryOut,
    MovementOut,
    YearSummaryOut,
)
from registry_node.batch.schemas import BatchOut, HolderOut
from registry_node.claim.schemas import ClaimOut
from registry_node.common.types import Amount
from registry_node.event.schemas import EventOut
from registry_node.explorer import i18n
from registry_node.explorer.i18n import Lang
from registry_node.explorer.render import Cell, Column, short, when
from registry_node.methodology.schemas import MethodologyOut
from registry_node.plan.schemas import PlanLineOut, SigningOpOut, SkippedOut
from registry_node.project.schemas import ProjectOut, StatusChangeOut
from registry_node.report.schemas import ReportOut
from registry_node.retirement.schemas import CancellationOut, RetirementOut

T = TypeVar("T")
DAY = 24 * 3600


def text(key: str, get: Callable[[T], object]) -> Column[T]:
    """A plain text column."""
    return Column(key, lambda x, _l: Cell(str(get(x))), lambda x: str(get(x)))


def number(key: str, get: Callable[[T], object], href: str | None = None) -> Column[T]:
    """A number (id, block, vintage); `href` is a path prefix the value is appended to."""

    def cell(x: T, _l: Lang) -> Cell:
        value = get(x)
        if value is None:
            return Cell("—")
        return Cell(str(value), f"{href}{value}" if href else None, numeric=True)

    return Column(key, cell, lambda x: "" if get(x) is None else str(get(x)))


def amount(key: str, get: Callable[[T], Amount]) -> Column[T]:
    """Tonnes with 6 decimals."""
    return Column(key, lambda x, _l: Cell(get(x).tonnes, numeric=True), lambda x: get(x).tonnes)


def enum(key: str, prefix: str, get: Callable[[T], str]) -> Column[T]:
    """An enum member shown by its label; CSV keeps the member name."""
    return Column(key, lambda x, lang: Cell(i18n.label(lang, prefix, get(x))), get)


def region(key: str, get: Callable[[T], int]) -> Column[T]:
    """A GB/T 2260 region code with its name."""
    return Column(key, lambda x, lang: Cell(i18n.region(lang, get(x))), lambda x: str(get(x)))


def moment(key: str, get: Callable[[T], int | None]) -> Column[T]:
    """A unix time shown in Beijing time; CSV keeps the unix seconds."""
    return Column(key, lambda x, _l: Cell(when(get(x))), lambda x: str(get(x) or ""))


def address(key: str, get: Callable[[T], str | None]) -> Column[T]:
    """An address linking to its account page."""

    def cell(x: T, _l: Lang) -> Cell:
        value = get(x)
        if not value:
            return Cell("—")
        return Cell(short(value), f"/accounts/{value}", mono=True)

    return Column(key, cell, lambda x: get(x) or "")


def tx(key: str, get: Callable[[T], str]) -> Column[T]:
    """A transaction hash linking to its page."""
    return Column(key, lambda x, _l: Cell(short(get(x)), f"/tx/{get(x)}", mono=True), get)


def digest(key: str, get: Callable[[T], str]) -> Column[T]:
    """A hash shown shortened, full in CSV."""
    return Column(key, lambda x, _l: Cell(short(get(x)), mono=True), get)


def yes_no(key: str, get: Callable[[T], bool]) -> Column[T]:
    """A boolean."""
    return Column(
        key,
        lambda x, lang: Cell(i18n.text(lang, "yes" if get(x) else "no")),
        lambda x: "true" if get(x) else "false",
    )


def serial_end(b: BatchOut) -> str:
    """Return the last serial of a batch's block."""
    return str(int(b.serial_start) + int(b.quantity.grams) - 1)


METHODOLOGIES: list[Column[MethodologyOut]] = [
    number("methodology_id", lambda m: m.methodology_id, "/methodologies/"),
    text("code", lambda m: m.code),
    number("version", lambda m: m.version),
    enum("sector", "sector", lambda m: m.sector),
    enum("kind", "MethodologyKind", lambda m: m.kind),
    enum("status", "MethodologyStatus", lambda m: m.status),
    number("point_validity_days", lambda m: m.point_validity // DAY),
    digest("document_hash", lambda m: m.document_hash),
]

PROJECTS: list[Column[ProjectOut]] = [
    number("project_id", lambda p: p.project_id, "/projects/"),
    number("methodology_id", lambda p: p.methodology_id, "/methodologies/"),
    address("proponent", lambda p: p.proponent),
    region("region", lambda p: p.region),
    enum("status", "ProjectStatus", lambda p: p.status),
    moment("notice_ends_at", lambda p: p.notice_ends_at),
    number("block_number", lambda p: p.block_number),
    tx("tx_hash", lambda p: p.tx_hash),
]

REPORTS: list[Column[ReportOut]] = [
    number("report_id", lambda r: r.report_id),
    enum("status", "ReportStatus", lambda r: r.status),
    moment("period", lambda r: r.period_start),
    amount("quantity", lambda r: r.quantity),
    text("signers", lambda r: len(r.signers)),
    digest("data_root", lambda r: r.data_root),
    digest("evidence_hash", lambda r: r.evidence_hash),
    tx("tx_hash", lambda r: r.tx_hash),
]

BATCHES: list[Column[BatchOut]] = [
    number("batch_id", lambda b: b.batch_id, "/batches/"),
    number("project_id", lambda b: b.project_id, "/projects/"),
    number("vintage", lambda b: b.vintage),
    enum("kind", "MethodologyKind", lambda b: b.kind),
    text("serial_start", lambda b: b.serial_start),
    Column("serial_end", lambda b, _l: Cell(serial_end(b)), serial_end),
    amount("issued", lambda b: b.supply.issued),
    amount("held", lambda b: b.supply.held),
    amount("retired", lambda b: b.supply.retired),
    amount("cancelled", lambda b: b.supply.cancelled),
    amount("unclaimed", lambda b: b.supply.unclaimed),
]

ACCOUNTS: list[Column[AccountOut]] = [
    address("address", lambda a: a.address),
    enum("kind", "AccountKind", lambda a: a.kind),
    enum("status", "AccountStatus", lambda a: a.status),
    region("region", lambda a: a.region),
    number("block_number", lambda a: a.block_number),
]

RETIREMENTS: list[Column[RetirementOut]] = [
    number("certificate_id", lambda r: r.certificate_id, "/certificates/"),
    number("batch_id", lambda r: r.batch_id, "/batches/"),
    address("holder", lambda r: r.holder),
    address("beneficiary", lambda r: r.beneficiary),
    amount("amount", lambda r: r.amount),
    enum("purpose", "RetirementPurpose", lambda r: r.purpose),
    number("event_id", lambda r: r.event_id, "/events/"),
    region("region", lambda r: r.region),
    moment("time", lambda r: r.retired_at),
    number("block_number", lambda r: r.block_number),
    tx("tx_hash", lambda r: r.tx_hash),
]

CANCELLATIONS: list[Column[CancellationOut]] = [
    text("cancellation_id", lambda c: c.cancellation_id),
    number("batch_id", lambda c: c.batch_id, "/batches/"),
    address("holder", lambda c: c.holder),
    amount("amount", lambda c: c.amount),
    enum("kind", "CancellationKind", lambda c: c.kind),
    text("reason", lambda c: c.reason),
    moment("time", lambda c: c.cancelled_at),
    number("block_number", lambda c: c.block_number),
    tx("tx_hash", lambda c: c.tx_hash),
]

EVENTS: list[Column[EventOut]] = [
    number("event_id", lambda e: e.event_id, "/events/"),
    text("name", lambda e: e.name),
    address("organiser", lambda e: e.organiser),
    region("region", lambda e: e.region),
    moment("dates", lambda e: e.starts_at),
    amount("footprint", lambda e: e.footprint),
    amount("retired", lambda e: e.retired),
    yes_no("neutral", lambda e: e.neutralised),
]

HOLDERS: list[Column[HolderOut]] = [
    address("holder", lambda h: h.holder),
    amount("balance", lambda h: h.balance),
]

CLAIMS: list[Column[ClaimOut]] = [
    address("address", lambda c: c.account),
    amount("claimed", lambda c: c.amount),
    number("block_number", lambda c: c.block_number),
    tx("tx_hash", lambda c: c.tx_hash),
]

BALANCES: list[Column[BalanceOut]] = [
    number("batch_id", lambda b: b.batch_id, "/batches/"),
    number("project_id", lambda b: b.project_id, "/projects/"),
    number("vintage", lambda b: b.vintage),
    amount("balance", lambda b: b.balance),
]


def _args(entry: LedgerEntryOut) -> str:
    shown = ", ".join(f"{k}={v}" for k, v in entry.args.items())
    return shown if len(shown) <= 240 else shown[:239] + "…"


LEDGER: list[Column[LedgerEntryOut]] = [
    number("block_number", lambda e: e.block_number),
    text("contract", lambda e: e.contract),
    text("event_name", lambda e: e.name),
    Column("args", lambda e, _l: Cell(_args(e), mono=True), _args),
    tx("tx_hash", lambda e: e.tx_hash),
]

HISTORY: list[Column[StatusChangeOut]] = [
    text("previous", lambda h: h.previous),
    text("status", lambda h: h.status),
    text("reason", lambda h: h.reason),
    number("block_number", lambda h: h.block_number),
    tx("tx_hash", lambda h: h.tx_hash),
]


# ------------------------------------------------------------------- market, accounts, plans


def paired(key: str, get: Callable[[T], bool | None]) -> Column[T]:
    """A paired-assistance flag (blank when unknown)."""

    def cell(x: T, lang: Lang) -> Cell:
        value = get(x)
        return Cell("—" if value is None else i18n.text(lang, "yes" if value else "no"))

    return Column(key, cell, lambda x: "" if get(x) is None else str(get(x)).lower())


RETIREMENTS_PAIRED: list[Column[RetirementOut]] = [
    *RETIREMENTS[:5],
    region("project_region", lambda r: r.project_region or 0),
    paired("paired_assistance", lambda r: r.paired_assistance),
    *RETIREMENTS[5:],
]

HOLDINGS: list[Column[HoldingOut]] = [
    number("batch_id", lambda h: h.batch_id, "/batches/"),
    number("project_id", lambda h: h.project_id, "/projects/"),
    text("methodology", lambda h: f"{h.methodology_code} v{h.methodology_version}"),
    enum("kind", "MethodologyKind", lambda h: h.kind),
    number("vintage", lambda h: h.vintage),
    region("region", lambda h: h.region),
    paired("paired_assistance", lambda h: h.paired_assistance),
    yes_no("imported", lambda h: h.imported),
    moment("expires_at", lambda h: h.expires_at),
    amount("balance", lambda h: h.balance),
]


def _signed(get: Callable[[YearSummaryOut], str]) -> Callable[[YearSummaryOut, Lang], Cell]:
    return lambda y, _l: Cell(get(y), numeric=True)


YEARS: list[Column[YearSummaryOut]] = [
    Column(
        "year",
        lambda y, _l: Cell("—" if y.year is None else str(y.year)),
        lambda y: "" if y.year is None else str(y.year),
    ),
    amount("y.received_issued", lambda y: y.received_issued),
    amount("y.received_imported", lambda y: y.received_imported),
    amount("y.transferred_in", lambda y: y.transferred_in),
    amount("y.released", lambda y: y.released),
    amount("y.transferred_out", lambda y: y.transferred_out),
    amount("y.redeemed", lambda y: y.redeemed),
    amount("y.locked", lambda y: y.locked),
    amount("y.retired", lambda y: y.retired),
    amount("y.cancelled", lambda y: y.cancelled),
    amount("y.exported", lambda y: y.exported),
    amount("y.used_for_compliance", lambda y: y.used_for_compliance),
    Column("y.net_change", _signed(lambda y: y.net_change.tonnes), lambda y: y.net_change.tonnes),
    amount("y.balance_end", lambda y: y.balance_end),
]

MOVEMENTS: list[Column[MovementOut]] = [
    moment("time", lambda m: m.time),
    enum("movement", "move", lambda m: m.kind),
    number("batch_id", lambda m: m.batch_id, "/batches/"),
    Column(
        "amount",
        lambda m, _l: Cell(("+" if m.incoming else "-") + m.amount.tonnes, numeric=True),
        lambda m: ("" if m.incoming else "-") + m.amount.tonnes,
    ),
    address("counterparty", lambda m: m.counterparty),
    number("block_number", lambda m: m.block_number),
    tx("tx_hash", lambda m: m.tx_hash),
]


def _hash_cell(value: str | None) -> Cell:
    return Cell(short(value), mono=True) if value else Cell("—")


def _or_blank(u: AccountComplianceUseOut) -> str:
    return u.market_reference or ""


COMPLIANCE_USES: list[Column[AccountComplianceUseOut]] = [
    number("use_id", lambda u: u.use_id),
    Column("year", lambda u, _l: Cell(str(u.year), f"/compliance/{u.year}"), lambda u: str(u.year)),
    number("batch_id", lambda u: u.batch_id, "/batches/"),
    amount("amount", lambda u: u.amount),
    enum("status", "UseStatus", lambda u: u.status),
    moment("requested_at", lambda u: u.requested_at),
    Column(
        "market_reference",
        lambda u, _l: (
            Cell(short(u.market_reference), mono=True) if u.market_reference else Cell("—")
        ),
        lambda u: u.market_reference or "",
    ),
    moment("settled_at", lambda u: u.settled_at),
    text("reason", lambda u: u.release_reason or ""),
    tx("tx_hash", lambda u: u.tx_hash),
]

IMPORTS: list[Column[ImportReceivedOut]] = [
    number("import_id", lambda i: i.import_id, "/imports/"),
    number("batch_id", lambda i: i.batch_id, "/batches/"),
    address("partner", lambda i: i.partner),
    number("project_id", lambda i: i.project_id, "/projects/"),
    number("vintage", lambda i: i.vintage),
    Column(
        "origin_serials",
        lambda i, _l: Cell(f"{i.origin_serial_start} ~ {int(i.origin_serial_end) - 1}", mono=True),
        lambda i: f"{i.origin_serial_start}-{i.origin_serial_end}",
    ),
    amount("amount", lambda i: i.amount),
    address("recipient", lambda i: i.recipient),
    moment("time", lambda i: i.imported_at),
    tx("tx_hash", lambda i: i.tx_hash),
]

PLAN_LINES: list[Column[PlanLineOut]] = [
    number("batch_id", lambda p: p.batch_id, "/batches/"),
    number("project_id", lambda p: p.project_id, "/projects/"),
    text("methodology", lambda p: p.methodology_code),
    region("region", lambda p: p.region),
    paired("paired_assistance", lambda p: p.paired_assistance),
    number("vintage", lambda p: p.vintage),
    amount("available", lambda p: p.available),
    amount("amount", lambda p: p.amount),
]

PLAN_OPS: list[Column[SigningOpOut]] = [
    text("op", lambda o: o.op),
    Column("path", lambda o, _l: Cell("POST " + o.path, mono=True), lambda o: o.path),
    Column(
        "body",
        lambda o, _l: Cell(json.dumps(o.body, ensure_ascii=False), mono=True),
        lambda o: json.dumps(o.body, ensure_ascii=False),
    ),
]

SKIPPED: list[Column[SkippedOut]] = [
    number("batch_id", lambda s: s.batch_id, "/batches/"),
    amount("balance", lambda s: s.amount),
    enum("reason", "SkipReason", lambda s: s.reason),
]
