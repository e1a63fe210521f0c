"""Cross-check the node's market endpoints against the rebuilt CarbonMarket (part of `node_agrees`).

Compliance years, covered entities, compliance uses, the Hubei export file, partner imports,
redemptions and a sample of points holders' balances, expiries and histories are read from the
node (lists paged to the end) and compared field by field with the state replayed from the
chain. A field the node does not give is a finding too: a node that leaves out a use's status
is not reporting it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from auditor.findings import AuditContext, CheckResult
from auditor.node import NodeReader, grams
from auditor.replay import ZERO, ComplianceUseStatus, LedgerState
from carbon_chain.domain import CancellationKind, MethodologyKind, compliance_destination

YEARS = "/v1/compliance/years"
YEAR = "/v1/compliance/years/{year}"
ENTITIES = "/v1/compliance/years/{year}/entities"
EXPORT = "/v1/compliance/years/{year}/export.json"
USES = "/v1/compliance/uses"
USE = "/v1/compliance/uses/{use_id}"
IMPORTS = "/v1/imports"
IMPORT = "/v1/imports/{import_id}"
REDEMPTIONS = "/v1/redemptions"
POINTS = "/v1/accounts/{address}/points"
MARKET_PATHS = {YEARS, YEAR, ENTITIES, EXPORT, USES, USE, IMPORTS, IMPORT, REDEMPTIONS, POINTS}
POINTS_SAMPLE = 50
"""At most this many points holders are looked up (evenly spread over them, by address)."""

Item = dict[str, Any]
Norm = Callable[[Any], Any]


@dataclass
class MarketView:
    """What the node's market endpoints answered. A list is None when it could not be read
    (or the node has no such path); a single record is None on 404."""

    paths: set[str]
    years: dict[int, Item] | None = None
    year: dict[int, Item | None] = field(default_factory=dict)
    entities: dict[int, dict[str, Item] | None] = field(default_factory=dict)
    exports: dict[int, Item | None] = field(default_factory=dict)
    uses: dict[int, Item] | None = None
    use: dict[int, Item | None] = field(default_factory=dict)
    imports: dict[int, Item] | None = None
    import_: dict[int, Item | None] = field(default_factory=dict)
    redemptions: dict[int, Item] | None = None
    points: dict[str, Item | None] = field(default_factory=dict)

    @property
    def read(self) -> bool:
        """Whether the node has any market path this check reads."""
        return bool(self.paths & MARKET_PATHS)


def _by(reader: NodeReader, path: str, key: str, norm: Norm) -> dict[Any, Item] | None:
    """Every item of a paged list by its id; an id listed twice is an error of the node."""
    items = reader.pages(path)
    if items is None:
        return None
    out: dict[Any, Item] = {}
    for item in items:
        if not isinstance(item, dict):
            reader.errors.append(f"GET {path}: an item is not an object")
            continue
        ident = norm(item.get(key))
        if ident in out:
            reader.errors.append(f"GET {path}: {key} {ident} listed twice")
        out[ident] = item
    return out


def _lower(value: Any) -> str | None:
    return value.lower() if isinstance(value, str) else None


def _hex(value: bytes) -> str:
    return "0x" + value.hex()


def points_sample(st: LedgerState) -> list[str]:
    """Every account that ever held points (not the ledger's custody), evenly thinned."""
    accounts = {a.lower() for a in st.accounts}
    holders = {
        h.lower()
        for bid, b in st.batches.items()
        if b.kind == MethodologyKind.PERSONAL_SCENARIO
        for h in st.balances.get(bid, {})
    }
    holders |= {r.citizen.lower() for r in st.redemptions.values()}
    ordered = sorted(holders & accounts)
    if len(ordered) <= POINTS_SAMPLE:
        return ordered
    return [ordered[i * len(ordered) // POINTS_SAMPLE] for i in range(POINTS_SAMPLE)]


def fetch_market(reader: NodeReader, paths: set[str], st: LedgerState) -> MarketView:
    """Read the node's market endpoints for the years, uses, imports and holders on chain."""
    view = MarketView(paths=paths)
    get = reader.get
    if YEARS in paths:
        view.years = _by(reader, YEARS, "year", grams)
    years = sorted(set(st.compliance_years) | set(view.years or {}))
    for y in years:
        if YEAR in paths:
            view.year[y] = get(YEAR.format(year=y))
        if ENTITIES in paths:
            view.entities[y] = _by(reader, ENTITIES.format(year=y), "entity", _lower)
        if EXPORT in paths:
            view.exports[y] = get(EXPORT.format(year=y))
    if USES in paths:
        view.uses = _by(reader, USES, "use_id", grams)
    if USE in paths:
        view.use = {u: get(USE.format(use_id=u)) for u in sorted(st.compliance_uses)}
    if IMPORTS in paths:
        view.imports = _by(reader, IMPORTS, "import_id", grams)
    if IMPORT in paths:
        view.import_ = {i: get(IMPORT.format(import_id=i)) for i in sorted(st.imports)}
    if REDEMPTIONS in paths:
        view.redemptions = _by(reader, REDEMPTIONS, "redemption_id", grams)
    if POINTS in paths:
        for address in points_sample(st):
            view.points[address] = _points_of(reader, POINTS.format(address=address))
    return view


def _points_of(reader: NodeReader, path: str) -> Item | None:
    """The account's points with its whole history (`history` is paged with `next_offset`)."""
    first = reader.get(path)
    if not isinstance(first, dict):
        return None if first is None else {}
    return {**first, "history": reader.pages(path, key="history"), "next_offset": None}


def _field(item: Item, key: str) -> tuple[bool, Any]:
    value: Any = item
    for part in key.split("."):
        if not isinstance(value, dict) or part not in value:
            return False, None
        value = value[part]
    return True, value


def _compare(
    res: CheckResult, subject: str, item: Item, chain: dict[str, tuple[Norm, Any]]
) -> None:
    """Fail for every field whose node value (normalised) differs from the chain's."""
    for key, (norm, truth) in chain.items():
        present, raw = _field(item, key)
        if not present:
            res.fail(subject, f"the node gives no {key}")
            continue
        said = None if raw is None else norm(raw)
        if said != truth:
            res.fail(subject, f"node {key} {said}, chain {truth}")


def _same(value: Any) -> Any:
    return value


def _ids(res: CheckResult, what: str, node: dict[Any, Item] | None, chain: set[Any]) -> None:
    if node is None:
        res.fail(what, "the node's list could not be read")
        return
    for key in sorted(chain - set(node), key=str):
        res.fail(f"{what} {key}", "the node does not list it")
    for key in sorted(set(node) - chain, key=str):
        res.fail(f"{what} {key}", "the node lists it; the chain has no such record")


def check_market(res: CheckResult, ctx: AuditContext, view: MarketView) -> None:
    """Compare every market endpoint the node has with the rebuilt state."""
    st = ctx.state
    paths = view.paths
    single = {y: view.year.get(y) for y in st.compliance_years} if YEAR in paths else {}
    years = {y: _year_fields(st, y) for y in st.compliance_years}
    _records(res, "compliance year", years, (YEARS in paths, view.years), single)
    for y in sorted(st.compliance_years):
        if ENTITIES in paths:
            _entities(res, st, y, view.entities.get(y))
        if EXPORT in paths:
            _export(res, ctx, y, view.exports.get(y))
    uses = {u: _use_fields(st, u) for u in st.compliance_uses}
    _records(res, "compliance use", uses, (USES in paths, view.uses), view.use)
    imports = {i: _import_fields(st, i) for i in st.imports}
    _records(res, "import", imports, (IMPORTS in paths, view.imports), view.import_)
    redemptions = {r: _redemption_fields(st, r) for r in st.redemptions}
    _records(res, "redemption", redemptions, (REDEMPTIONS in paths, view.redemptions), {})
    for address, points in sorted(view.points.items()):
        res.checked += 1
        _points(res, st, address, points)


def _records(
    res: CheckResult,
    what: str,
    chain: dict[int, dict[str, tuple[Norm, Any]]],
    list_read: tuple[bool, dict[int, Item] | None],
    single: dict[int, Item | None],
) -> None:
    """Compare a list endpoint (all its pages, if the node has the path) and the single-record
    endpoint (read for the chain's ids) with the chain's records of one kind."""
    has_list, listed = list_read
    if has_list:
        _ids(res, what, listed, set(chain))
    for key, truth in sorted(chain.items()):
        answers: list[Item | None] = [listed[key]] if listed and key in listed else []
        answers += [single[key]] if key in single else []
        for answer in answers:
            res.checked += 1
            if answer is None:
                res.fail(f"{what} {key}", "the node does not know it")
            else:
                _compare(res, f"{what} {key}", answer, truth)


def _year_fields(st: LedgerState, y: int) -> dict[str, tuple[Norm, Any]]:
    t = st.compliance_years[y]
    eligible = sorted(
        mid for (year, mid), history in st.eligibility.items() if year == y and history[-1][1]
    )
    chain_eligible = sorted(
        (
            (mid, m.code, m.version) if (m := st.methodologies.get(mid)) else (mid, None, None)
            for mid in eligible
        ),
        key=str,
    )
    return {
        "year": (grams, y),
        "min_vintage": (grams, t.min_vintage),
        "max_vintage": (grams, t.max_vintage),
        "cap_bps": (grams, t.cap_bps),
        "closes_at": (grams, t.closes_at),
        "destination_hash": (_lower, _hex(compliance_destination(y))),
        "eligible_methodologies": (_eligible, chain_eligible),
        "block_number": (grams, t.history[-1][0][0]),
    }


def _eligible(methodologies: Any) -> list[tuple[Any, ...]] | None:
    if not isinstance(methodologies, list):
        return None
    said = [
        (grams(m.get("methodology_id")), m.get("code"), grams(m.get("version")))
        for m in methodologies
        if isinstance(m, dict)
    ]
    return sorted(said, key=str)  # a lying node's None or text must not break the order


def _entities(res: CheckResult, st: LedgerState, y: int, node: dict[str, Item] | None) -> None:
    chain = {e.lower(): c for (year, e), c in st.covered.items() if year == y}
    _ids(res, f"covered entity of {y}", node, set(chain))
    cap_bps = st.compliance_years[y].cap_bps
    for entity, c in sorted(chain.items()):
        if node is None or entity not in node:
            continue
        res.checked += 1
        uses = [
            u for u in st.compliance_uses.values() if u.year == y and u.entity.lower() == entity
        ]
        pending = sum(u.amount for u in uses if u.status == ComplianceUseStatus.PENDING)
        exported = sum(u.amount for u in uses if u.status == ComplianceUseStatus.EXPORTED)
        # The year's current cap share applies, as the market's availableCap computes it.
        cap = c.verified_emissions * cap_bps // 10_000
        _compare(
            res,
            f"covered entity {entity} {y}",
            node[entity],
            {
                "verified_emissions": (grams, c.verified_emissions),
                "cap": (grams, cap),
                "used": (grams, c.used),
                "pending": (grams, pending),
                "exported": (grams, exported),
                "available": (grams, max(cap - c.used, 0)),
                "block_number": (grams, c.history[-1][0][0] if c.history else None),
            },
        )


def _use_fields(st: LedgerState, uid: int) -> dict[str, tuple[Norm, Any]]:
    u = st.compliance_uses[uid]
    exported = u.status == ComplianceUseStatus.EXPORTED
    return {
        "year": (grams, u.year),
        "entity": (_lower, u.entity.lower()),
        "batch_id": (grams, u.batch_id),
        "amount": (grams, u.amount),
        "lock_id": (grams, u.lock_id),
        "status": (_same, ComplianceUseStatus(u.status).name),
        "requested_at": (grams, u.requested_at),
        "market_reference": (_lower, _hex(u.market_reference) if exported else None),
        "cancellation_id": (grams, u.cancellation_id if exported else None),
        "block_number": (grams, u.position[0]),
        "tx_hash": (_lower, _hex(u.tx_hash)),
    }


def _export(res: CheckResult, ctx: AuditContext, y: int, export: Item | None) -> None:
    st, subject = ctx.state, f"compliance export {y}"
    res.checked += 1
    if export is None:
        res.fail(subject, "the node has no export file for this year")
        return
    live = (ComplianceUseStatus.PENDING, ComplianceUseStatus.EXPORTED)
    uses = [st.compliance_uses[u] for u in sorted(st.compliance_uses)]
    uses = [u for u in uses if u.year == y and u.status in live]
    exported = sum(u.amount for u in uses if u.status == ComplianceUseStatus.EXPORTED)
    _compare(
        res,
        subject,
        export,
        {
            "chain_id": (grams, ctx.deployment.chain_id),
            "market": (_lower, ctx.deployment.market.lower()),
            "totals.exported": (grams, exported),
            "totals.pending": (grams, sum(u.amount for u in uses) - exported),
            "totals.rows": (grams, len(uses)),
        },
    )
    if isinstance(export.get("year"), dict):
        _compare(res, subject, export["year"], _year_fields(st, y))
    rows = export.get("rows")
    if not isinstance(rows, list):
        res.fail(subject, "the node gives no rows")
        return
    said = [grams(r.get("use_id")) if isinstance(r, dict) else None for r in rows]
    if said != [u.id for u in uses]:
        res.fail(subject, f"node rows for uses {said}, chain {[u.id for u in uses]}")
    for row in rows:
        uid = grams(row.get("use_id")) if isinstance(row, dict) else None
        if uid in st.compliance_uses and st.compliance_uses[uid] in uses:
            _compare(res, f"{subject} use {uid}", row, _row_fields(st, uid))


def _row_fields(st: LedgerState, uid: int) -> dict[str, tuple[Norm, Any]]:
    u = st.compliance_uses[uid]
    exported = u.status == ComplianceUseStatus.EXPORTED
    b = st.batches.get(u.batch_id)
    project = st.projects.get(b.project_id) if b is not None else None
    m = st.methodologies.get(project.methodology_id) if project is not None else None
    # The first serial surrendered is the ledger cancellation the export made (its id).
    first = u.cancellation_id if exported else None
    return {
        "year": (grams, u.year),
        "entity": (_lower, u.entity.lower()),
        "status": (_same, ComplianceUseStatus(u.status).name),
        "pending": (_same, not exported),
        "lock_id": (grams, u.lock_id),
        "batch_id": (grams, u.batch_id),
        "project_id": (grams, b.project_id if b is not None else None),
        "methodology_code": (_same, m.code if m is not None else None),
        "methodology_version": (grams, m.version if m is not None else None),
        "vintage": (grams, b.vintage if b is not None else None),
        "serial_first": (grams, first),
        "serial_last": (grams, None if first is None else first + u.amount - 1),
        "amount_grams": (grams, u.amount),
        "market_reference": (_lower, _hex(u.market_reference) if exported else None),
        "requested_at": (grams, u.requested_at),
        "request_tx_hash": (_lower, _hex(u.tx_hash)),
    }


def _import_fields(st: LedgerState, iid: int) -> dict[str, tuple[Norm, Any]]:
    i = st.imports[iid]
    partner = st.accounts.get(i.partner)
    return {
        "origin.partner_record_hash": (_lower, _hex(partner.record_hash) if partner else None),
        "origin.partner_region": (grams, partner.region if partner else None),
        "batch_id": (grams, i.batch_id),
        "origin.partner": (_lower, i.partner.lower()),
        "origin.serial_start": (grams, i.origin_serial_start),
        "origin.serial_end": (grams, i.origin_serial_end),
        "origin.quantity": (grams, i.origin_serial_end - i.origin_serial_start),
        "project_id": (grams, i.project_id),
        "period_start": (grams, i.period_start),
        "period_end": (grams, i.period_end),
        "vintage": (grams, i.vintage),
        "recipient": (_lower, i.recipient.lower()),
        "evidence_hash": (_lower, _hex(i.evidence_hash)),
        "deadline": (grams, i.deadline),
        "attestation_digest": (_lower, _hex(i.digest)),
        "imported_at": (grams, i.imported_at),
        "block_number": (grams, i.position[0]),
        "tx_hash": (_lower, _hex(i.tx_hash)),
    }


def _redemption_fields(st: LedgerState, rid: int) -> dict[str, tuple[Norm, Any]]:
    r = st.redemptions[rid]
    return {
        "citizen": (_lower, r.citizen.lower()),
        "batch_id": (grams, r.batch_id),
        "amount": (grams, r.amount),
        "aggregator": (_lower, r.aggregator.lower()),
        "incentive_reference": (_lower, _hex(r.incentive_reference)),
        "redeemed_at": (grams, r.redeemed_at),
        "block_number": (grams, r.position[0]),
    }


def _points(res: CheckResult, st: LedgerState, address: str, points: Item | None) -> None:
    subject = f"points of {address}"
    held = {
        bid: amount
        for bid, b in st.batches.items()
        if b.kind == MethodologyKind.PERSONAL_SCENARIO
        for holder, amount in st.balances.get(bid, {}).items()
        if holder.lower() == address and amount
    }
    if points is None:
        if held or _chain_history(st, address):
            res.fail(subject, "the node does not know this account's points")
        return
    holdings = points.get("holdings")
    if not isinstance(holdings, list):
        res.fail(subject, "the node gives no holdings")
        return
    said = {grams(h.get("batch_id")): h for h in holdings if isinstance(h, dict)}
    balances = {bid: grams(h.get("balance")) for bid, h in said.items()}
    if balances != held:
        res.fail(subject, f"node balances {_sorted(balances)}, chain {_sorted(held)}")
    if "total" in points and grams(points["total"]) != sum(held.values()):
        res.fail(subject, f"node total {grams(points['total'])}, chain {sum(held.values())}")
    history = points.get("history")
    if isinstance(history, list):
        said_history = sorted((_entry(h) for h in history), key=str)
        chain_history = _chain_history(st, address)
        if said_history != chain_history:
            res.fail(subject, f"node history {said_history}, chain {chain_history}")
    else:
        res.fail(subject, "the node gives no history")
    as_of = grams(points.get("as_of"))
    for bid, h in sorted(said.items(), key=lambda kv: str(kv[0])):
        b = st.batches.get(bid) if isinstance(bid, int) else None
        if b is None:
            continue
        _compare(res, f"{subject} batch {bid}", h, {"expires_at": (grams, b.expires_at)})
        expired = b.expires_at != 0 and as_of is not None and b.expires_at <= as_of
        if "expired" in h and bool(h["expired"]) != expired:
            res.fail(
                f"{subject} batch {bid}",
                f"node expired {h['expired']} at {as_of}, chain expires at {b.expires_at}",
            )


def _entry(h: Any) -> tuple[Any, ...]:
    if not isinstance(h, dict):
        return (None,)
    kind = h.get("kind")
    other = h.get("counterparty") if kind == "TRANSFER" else h.get("reference")
    other = grams(other) if kind == "EXPIRY" else _lower(other)
    return (kind, grams(h.get("batch_id")), grams(h.get("amount")), other)


def _chain_history(st: LedgerState, address: str) -> list[tuple[Any, ...]]:
    """Claims, transfers out, redemptions and expiry cancellations of one account's points."""
    points = {b for b, rec in st.batches.items() if rec.kind == MethodologyKind.PERSONAL_SCENARIO}
    out: list[tuple[Any, ...]] = [
        ("CLAIM", c.batch_id, c.amount, None)
        for c in st.claims
        if c.account.lower() == address and c.batch_id in points
    ]
    redeemed = [r for r in st.redemptions.values() if r.citizen.lower() == address]
    out += [("REDEMPTION", r.batch_id, r.amount, _hex(r.incentive_reference)) for r in redeemed]
    out += [
        ("EXPIRY", c.batch_id, c.amount, c.id)
        for c in st.cancellations.values()
        if c.holder.lower() == address and c.kind == CancellationKind.EXPIRY
    ]
    # A redemption's own transfer is shown as the redemption.
    redemption_txs = {r.position[:2] for r in redeemed}
    out += [
        ("TRANSFER", m.batch_id, m.amount, m.receiver.lower())
        for m in st.movements
        if m.sender.lower() == address
        and m.receiver != ZERO
        and m.batch_id in points
        and m.position[:2] not in redemption_txs
    ]
    return sorted(out, key=str)


def _sorted(balances: dict[Any, Any]) -> dict[Any, Any]:
    return dict(sorted(balances.items(), key=lambda kv: str(kv[0])))
