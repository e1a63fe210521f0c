"""The enterprise carbon-account statement: holdings, movements, uses and a yearly summary.

Every balance change is read from the `transfers` table (each item of the ledger's ERC-1155
transfer logs, mints and burns included, indexed by sender and recipient), so the summary adds
up to the balances: Σ net_change over all years = Σ holdings now. Each list is capped at
MAX_RECORDS; a statement that reached a cap says so (`truncated`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from sqlalchemy.orm import Session

from registry_node.account import repository
from registry_node.account.schemas import (
    AccountComplianceUseOut,
    AccountSummaryOut,
    HoldingOut,
    ImportReceivedOut,
    MovementOut,
    SignedAmount,
    YearSummaryOut,
)
from registry_node.account.service import to_out as account_out
from registry_node.common.enums import CancellationKind, MethodologyKind, name_of
from registry_node.common.types import ZERO_ADDRESS, Amount
from registry_node.errors import NotFound
from registry_node.indexer.cursor import load_cursor
from registry_node.models.index import ComplianceUse, CreditImport, Transfer
from registry_node.plan.regions import is_paired, paired_regions, region_name
from registry_node.plan.schemas import PairedShareOut
from registry_node.retirement.service import cancellation_out, outs
from registry_node.stats.repository import year_of

T = TypeVar("T")
USE_STATUS = {1: "PENDING", 2: "EXPORTED", 3: "RELEASED"}
RELEASED = 3
INCOMING = frozenset({"issued", "claimed", "imported", "transfer_in", "released"})
FLOWS = (
    "received_issued",
    "received_imported",
    "transferred_in",
    "released",
    "transferred_out",
    "redeemed",
    "locked",
    "retired",
    "cancelled",
    "exported",
    "used_for_compliance",
)
# Which yearly flow each movement kind adds to.
FLOW_OF = {
    "issued": "received_issued",
    "claimed": "received_issued",
    "imported": "received_imported",
    "transfer_in": "transferred_in",
    "released": "released",
    "transfer_out": "transferred_out",
    "redeemed": "redeemed",
    "locked": "locked",
    "retired": "retired",
    "cancelled": "cancelled",
}


def _year(ts: int | None) -> int | None:
    return year_of(ts) if ts else None


@dataclass
class _Context:
    address: str
    ledger: str | None
    import_batches: set[int]
    retire_txs: set[str]
    redeem_txs: set[str]
    batches: dict[int, int] = field(default_factory=dict)  # batch id -> claim deadline


def _kind(ctx: _Context, sender: str, recipient: str, batch_id: int, tx: str) -> str:
    """Classify one transfer item from the account's side."""
    if recipient == ctx.address:
        if sender == ZERO_ADDRESS:
            if batch_id in ctx.import_batches:
                return "imported"
            return "claimed" if ctx.batches.get(batch_id, 0) else "issued"
        return "released" if sender == ctx.ledger else "transfer_in"
    if recipient == ZERO_ADDRESS:
        return "retired" if tx in ctx.retire_txs else "cancelled"
    if recipient == ctx.ledger:
        return "locked"
    return "redeemed" if tx in ctx.redeem_txs else "transfer_out"


def _sides(ctx: _Context, t: Transfer) -> list[MovementOut]:
    """Return the account's movements of one transfer item (two for a move to itself)."""
    address, sender, recipient = ctx.address, t.sender, t.recipient
    batch_id, tx = t.batch_id, t.tx_hash
    kinds = []
    if recipient == address:
        kinds.append(_kind(ctx, sender, address, batch_id, tx))
    if sender == address:
        self_move = recipient == address
        kinds.append("transfer_out" if self_move else _kind(ctx, address, recipient, batch_id, tx))
    out = []
    for kind in kinds:
        incoming = kind in INCOMING
        other = sender if incoming else recipient
        out.append(
            MovementOut(
                kind=kind,
                batch_id=batch_id,
                amount=Amount.of(t.amount),
                incoming=incoming,
                counterparty=None if other == ZERO_ADDRESS else other,
                time=t.block_time,
                year=_year(t.block_time),
                block_number=t.block_number,
                tx_hash=tx,
            )
        )
    return out


def _capped(rows: Sequence[T], cap: int | None = None) -> tuple[Sequence[T], bool]:
    """Return at most `cap` (MAX_RECORDS) rows and whether there were more (repositories read
    one more than they return)."""
    limit = repository.MAX_RECORDS if cap is None else cap
    return rows[:limit], len(rows) > limit


def _movements(session: Session, address: str) -> tuple[list[MovementOut], bool]:
    """Return every balance change of the address in chain order, and whether it was cut."""
    cursor = load_cursor(session.connection())
    transfers, cut = _capped(repository.transfers_of(session, address))
    ids = {t.batch_id for t in transfers}
    imports, cut_imports = _capped(repository.imports_to(session, address))
    retirements, cut_retirements = _capped(repository.retirements_of(session, address))
    redemptions, cut_redemptions = _capped(repository.redemptions_of(session, address))
    ctx = _Context(
        address=address,
        ledger=cursor.ledger if cursor is not None else None,
        import_batches={i.batch_id for i in imports},
        retire_txs={r.tx_hash for r in retirements},
        redeem_txs={r.tx_hash for r in redemptions},
        batches={b: row.claim_deadline for b, row in repository.batches_of(session, ids).items()},
    )
    out = [m for t in transfers for m in _sides(ctx, t)]
    return out, cut or cut_imports or cut_retirements or cut_redemptions


def movements(session: Session, address: str) -> list[MovementOut]:
    """Return every balance change of the address, in chain order (at most MAX_RECORDS
    transfer items)."""
    return _movements(session, address)[0]


def points_history(session: Session, address: str) -> list[MovementOut]:
    """Return the movements of personal points (碳积分) of the address, in chain order."""
    moves = movements(session, address)
    kinds = repository.batches_of(session, {m.batch_id for m in moves})
    points = {b for b, row in kinds.items() if row.kind == MethodologyKind.PERSONAL_SCENARIO}
    return [m for m in moves if m.batch_id in points]


def holdings(session: Session, address: str) -> list[HoldingOut]:
    """Return the address's holdings with provenance and paired-assistance flags."""
    regions = paired_regions()
    imported = {i.batch_id for i in repository.imports_to(session, address)}
    out = []
    for balance, batch, project, methodology in repository.holdings(session, address):
        out.append(
            HoldingOut(
                batch_id=batch.batch_id,
                project_id=project.project_id,
                methodology_code=methodology.code,
                methodology_version=methodology.version,
                sector=methodology.sector,
                kind=name_of(MethodologyKind, batch.kind),
                vintage=batch.vintage,
                region=project.region,
                region_name=region_name(project.region),
                paired_assistance=is_paired(project.region, regions),
                imported=batch.report_id == 0 or batch.batch_id in imported,
                expires_at=batch.expires_at or None,
                balance=Amount.of(balance.amount),
            )
        )
    return out


def _years(
    moves: Iterable[MovementOut],
    exported: Iterable[tuple[int | None, int]],
    used: Iterable[tuple[int | None, int]],
) -> list[YearSummaryOut]:
    sums: dict[int | None, dict[str, int]] = {}

    def add(year: int | None, flow: str, grams: int) -> None:
        sums.setdefault(year, dict.fromkeys(FLOWS, 0))[flow] += grams

    for m in moves:
        add(m.year, FLOW_OF[m.kind], int(m.amount.grams))
    for year, grams in exported:
        add(year, "exported", grams)
    for year, grams in used:
        add(year, "used_for_compliance", grams)
    out = []
    balance = 0
    for year in sorted(sums, key=lambda y: (y is None, y or 0)):
        f = sums[year]
        net = (
            f["received_issued"]
            + f["received_imported"]
            + f["transferred_in"]
            + f["released"]
            - f["transferred_out"]
            - f["redeemed"]
            - f["locked"]
            - f["retired"]
            - f["cancelled"]
        )
        balance += net
        out.append(
            YearSummaryOut(
                year=year,
                **{k: Amount.of(v) for k, v in f.items()},
                net_change=SignedAmount.of(net),
                balance_end=Amount.of(max(0, balance)),
            )
        )
    return out


def use_out(u: ComplianceUse) -> AccountComplianceUseOut:
    """Build the response model of a compliance use."""
    return AccountComplianceUseOut(
        use_id=u.use_id,
        entity=u.entity,
        year=u.year,
        batch_id=u.batch_id,
        amount=Amount.of(u.amount),
        status=USE_STATUS.get(u.status, f"UNKNOWN_{u.status}"),
        requested_at=u.requested_at,
        market_reference=u.market_reference,
        cancellation_id=None if u.cancellation_id is None else str(u.cancellation_id),
        settled_at=u.settled_at,
        release_reason=u.release_reason,
        tx_hash=u.tx_hash,
    )


def import_out(i: CreditImport) -> ImportReceivedOut:
    """Build the response model of an import."""
    return ImportReceivedOut(
        import_id=i.import_id,
        batch_id=i.batch_id,
        partner=i.partner,
        project_id=i.project_id,
        vintage=i.vintage,
        origin_serial_start=str(i.origin_serial_start),
        origin_serial_end=str(i.origin_serial_end),
        amount=Amount.of(i.origin_serial_end - i.origin_serial_start),
        recipient=i.recipient,
        period_start=i.period_start,
        period_end=i.period_end,
        evidence_hash=i.evidence_hash,
        digest=i.digest,
        imported_at=i.imported_at,
        block_number=i.block_number,
        tx_hash=i.tx_hash,
    )


def summary(session: Session, address: str, year: int | None = None) -> AccountSummaryOut:
    """Return the account statement; with `year`, lists and summary are limited to that year.

    Raises:
        NotFound: the address is not a registered account and no credits ever moved through it.
    """
    account = repository.get(session, address)
    held, cut_held = _capped(holdings(session, address), repository.MAX_HOLDINGS)
    total = sum(int(h.balance.grams) for h in held)
    paired = sum(int(h.balance.grams) for h in held if h.paired_assistance)
    cancels, cut_cancels = _capped(repository.cancellations_of(session, address))
    uses, cut_uses = _capped(repository.compliance_uses_of(session, address))
    exported = [
        (_year(c.block_time), c.amount) for c in cancels if c.kind == CancellationKind.EXPORT
    ]
    used = [(_year(u.requested_at), u.amount) for u in uses if u.status != RELEASED]
    moves, cut_moves = _movements(session, address)
    years = _years(moves, exported, used)
    if account is None and not held and not years:
        raise NotFound(f"account {address} is not registered and holds nothing", field="address")
    retired, cut_retired = _capped(repository.retirements_of(session, address))
    retirements = outs(session, retired)
    imports, cut_imports = _capped(repository.imports_to(session, address))
    truncated = cut_held or cut_cancels or cut_uses or cut_moves or cut_retired or cut_imports

    def keep(ts: int | None) -> bool:
        return year is None or _year(ts) == year

    return AccountSummaryOut(
        address=address,
        account=account_out(account) if account is not None else None,
        year=year,
        holdings=list(held),
        held=Amount.of(total),
        held_paired_assistance=PairedShareOut.of(paired, total),
        retirements=[r for r in retirements if keep(r.retired_at)],
        cancellations=[cancellation_out(c) for c in cancels if keep(c.block_time)],
        # A use counts in its compliance year, whenever in the calendar it was requested.
        compliance_uses=[use_out(u) for u in uses if year is None or u.year == year],
        imports=[import_out(i) for i in imports if keep(i.imported_at)],
        years=[y for y in years if year is None or y.year == year],
        truncated=truncated,
    )


CSV_COLUMNS = (
    "section",
    "year",
    "item",
    "batch_id",
    "project_id",
    "methodology",
    "vintage",
    "region",
    "paired_assistance",
    "grams",
    "tonnes",
    "time",
    "reference",
    "tx_hash",
)


def csv_rows(s: AccountSummaryOut) -> Iterator[dict[str, str]]:
    """Yield the statement as rows of CSV_COLUMNS (see docs/node.md)."""

    def row(**values: object) -> dict[str, str]:
        return {c: "" if values.get(c) is None else str(values.get(c)) for c in CSV_COLUMNS}

    if s.truncated:
        yield row(
            section="truncated",
            item="true",
            reference=f"incomplete: a list reached the limit of {repository.MAX_RECORDS} records",
        )
    for h in s.holdings:
        yield row(
            section="holding",
            item=h.kind,
            batch_id=h.batch_id,
            project_id=h.project_id,
            methodology=f"{h.methodology_code} v{h.methodology_version}",
            vintage=h.vintage,
            region=h.region,
            paired_assistance=str(h.paired_assistance).lower(),
            grams=h.balance.grams,
            tonnes=h.balance.tonnes,
            time=h.expires_at,
        )
    for r in s.retirements:
        yield row(
            section="retirement",
            year=_year(r.retired_at),
            item=r.purpose,
            batch_id=r.batch_id,
            project_id=r.project_id,
            region=r.project_region,
            paired_assistance=str(bool(r.paired_assistance)).lower(),
            grams=r.amount.grams,
            tonnes=r.amount.tonnes,
            time=r.retired_at,
            reference=r.certificate_id,
            tx_hash=r.tx_hash,
        )
    for c in s.cancellations:
        yield row(
            section="cancellation",
            year=_year(c.cancelled_at),
            item=c.kind,
            batch_id=c.batch_id,
            grams=c.amount.grams,
            tonnes=c.amount.tonnes,
            time=c.cancelled_at,
            reference=c.cancellation_id,
            tx_hash=c.tx_hash,
        )
    for u in s.compliance_uses:
        yield row(
            section="compliance_use",
            year=u.year,
            item=u.status,
            batch_id=u.batch_id,
            grams=u.amount.grams,
            tonnes=u.amount.tonnes,
            time=u.requested_at,
            reference=u.market_reference,
            tx_hash=u.tx_hash,
        )
    for i in s.imports:
        yield row(
            section="import",
            year=_year(i.imported_at),
            item=i.partner,
            batch_id=i.batch_id,
            project_id=i.project_id,
            vintage=i.vintage,
            grams=i.amount.grams,
            tonnes=i.amount.tonnes,
            time=i.imported_at,
            reference=f"{i.origin_serial_start}-{i.origin_serial_end}",
            tx_hash=i.tx_hash,
        )
    for y in s.years:
        flows = {f: getattr(y, f) for f in FLOWS}
        for name, amount in [*flows.items(), ("balance_end", y.balance_end)]:
            yield row(
                section="summary", year=y.year, item=name, grams=amount.grams, tonnes=amount.tonnes
            )
        yield row(
            section="summary",
            year=y.year,
            item="net_change",
            grams=y.net_change.grams,
            tonnes=y.net_change.tonnes,
        )


def to_csv(s: AccountSummaryOut) -> str:
    """Return the statement as CSV text (UTF-8 BOM added by the caller)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(csv_rows(s))
    return buffer.getvalue()
