"""Column definitions of every explorer list (HTML cells and CSV values from one place)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from registry_node.account.schemas import AccountOut, BalanceOut, LedgerEntryOut
from registry_node.batch.schemas import BatchOut, HolderOut
from registry_node.claim.schemas import ClaimOut
from registry_node.common.types import Amount
from registry_node.event.schemas import EventOut
from registry_node.explorer import i18n
from registry_node.explorer.i18n import Lang
from registry_node.explorer.render import Cell, Column, short, when
from registry_node.methodology.schemas import MethodologyOut
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
