"""Cross-check the registry node's HTTP API against the chain (optional, `--node URL`).

Tolerant of the API's shape: the node's `/openapi.json` says which paths exist; only those are
read, and amounts are accepted as integers, decimal strings or `{"grams": …}`. The market's
endpoints (compliance, imports, redemptions, points) are compared in `auditor.node_market`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx

from auditor.findings import AuditContext, CheckResult
from auditor.replay import LedgerState

if TYPE_CHECKING:
    from auditor.node_market import MarketView

SUPPLY = "/v1/batches/{batch_id}/supply"
HOLDERS = "/v1/batches/{batch_id}/holders"
RETIREMENT = "/v1/retirements/{certificate_id}"
EVENT = "/v1/events/{event_id}"
PAGE_LIMIT = 100
MAX_PAGES = 1_000


@dataclass
class NodeView:
    """What the node's API answered (None where it had no such path or answered 404)."""

    paths: set[str]
    base: str = ""
    transport: httpx.BaseTransport | None = None
    market: MarketView | None = None
    supplies: dict[int, dict[str, Any] | None] = field(default_factory=dict)
    holders: dict[int, dict[str, int] | None] = field(default_factory=dict)
    retirements: dict[int, dict[str, Any] | None] = field(default_factory=dict)
    events: dict[int, dict[str, Any] | None] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def grams(value: Any) -> int | None:
    """Read an amount (or an id) in any of the shapes the API may use."""
    if isinstance(value, dict):
        value = value.get("grams")
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


class NodeReader:
    """GET the node's JSON; an unexpected answer is kept in `errors`, not raised."""

    def __init__(self, client: httpx.Client, errors: list[str]) -> None:
        self.client = client
        self.errors = errors

    def get(self, path: str, quiet: int = 404) -> Any:
        """Return the JSON at `path`, or None on 404 (or `quiet`) or an error."""
        try:
            resp = self.client.get(path)
        except httpx.HTTPError as exc:
            self.errors.append(f"GET {path}: {exc}")
            return None
        if resp.status_code in (404, quiet):
            return None
        if resp.status_code != 200:
            self.errors.append(f"GET {path}: HTTP {resp.status_code}")
            return None
        try:
            return resp.json()
        except ValueError:
            self.errors.append(f"GET {path}: not JSON")
            return None

    def pages(self, path: str, key: str = "items") -> list[Any] | None:
        """Return every item of a paginated list (`items`, `next_offset`), or None."""
        out: list[Any] = []
        offset: int | None = 0
        limit = f"limit={PAGE_LIMIT}&"
        for _ in range(MAX_PAGES):
            if offset is None:
                return out
            page = self.get(f"{path}?{limit}offset={offset}", quiet=422 if limit else 404)
            if page is None and limit:
                # The page cap is a node setting: a node capped below PAGE_LIMIT answers 422,
                # so page through it at its own default size instead.
                limit = ""
                page = self.get(f"{path}?offset={offset}")
            if not isinstance(page, dict):
                return None
            out.extend(page.get(key) or [])
            offset = page.get("next_offset")
        self.errors.append(f"GET {path}: more than {MAX_PAGES} pages")
        return None


def fetch_node(
    base: str,
    batch_ids: list[int],
    retirement_ids: list[int],
    event_ids: list[int],
    transport: httpx.BaseTransport | None = None,
    state: LedgerState | None = None,
) -> NodeView:
    """Read the node's view of the given entities (and of the market's records, given `state`).

    Without `state` the market's endpoints are read by `check_node_agrees`, which has it.

    Raises:
        RuntimeError: the node is unreachable or has no OpenAPI document.
    """
    client = httpx.Client(base_url=base.rstrip("/"), timeout=30, transport=transport)
    try:
        spec = client.get("/openapi.json")
        spec.raise_for_status()
    except httpx.HTTPError as exc:
        raise RuntimeError(f"node {base} unreachable or without /openapi.json: {exc}") from exc
    view = NodeView(paths=set(spec.json().get("paths", {})), base=base, transport=transport)
    reader = NodeReader(client, view.errors)
    get = reader.get
    for bid in batch_ids:
        if SUPPLY in view.paths:
            view.supplies[bid] = get(SUPPLY.format(batch_id=bid))
        if HOLDERS in view.paths:
            view.holders[bid] = _holders(reader, HOLDERS.format(batch_id=bid))
    if RETIREMENT in view.paths:
        for cid in retirement_ids:
            view.retirements[cid] = get(RETIREMENT.format(certificate_id=cid))
    if EVENT in view.paths:
        for eid in event_ids:
            view.events[eid] = get(EVENT.format(event_id=eid))
    if state is not None:
        view.market = _fetch_market(reader, view.paths, state)
    client.close()
    return view


def _fetch_market(reader: NodeReader, paths: set[str], state: LedgerState) -> MarketView:
    # node_market builds on this module's reader and amounts: imported here, not circularly.
    from auditor.node_market import fetch_market

    return fetch_market(reader, paths, state)


def _holders(reader: NodeReader, path: str) -> dict[str, int] | None:
    items = reader.pages(path)
    if items is None:
        return None
    out: dict[str, int] = {}
    for item in items:
        amount = grams(item.get("balance"))
        if amount:
            out[str(item.get("holder", "")).lower()] = amount
    return out


def _read_market(ctx: AuditContext, node: NodeView) -> MarketView | None:
    """The market part of the node's view, read now if `fetch_node` had no state."""
    if node.market is None and node.base:
        base = node.base.rstrip("/")
        with httpx.Client(base_url=base, timeout=30, transport=node.transport) as client:
            reader = NodeReader(client, node.errors)
            node.market = _fetch_market(reader, node.paths, ctx.state)
    return node.market


def check_node_agrees(ctx: AuditContext, node: NodeView) -> CheckResult:
    """The node's API says what the chain says: supplies, balances, retirements, events and
    the market's records (compliance years, entities, uses, export file, imports, redemptions,
    points)."""
    res = CheckResult("node_agrees", "The node's API agrees with the chain", "node")
    st = ctx.state
    market = _read_market(ctx, node)
    for message in node.errors:
        res.fail("node", message)
    for bid, supply in sorted(node.supplies.items()):
        res.checked += 1
        s, b = st.supplies[bid], st.batches[bid]
        chain = {"issued": b.quantity, "retired": s.retired, "cancelled": s.cancelled}
        chain |= {"claimed": s.claimed, "locked": s.locked}
        if supply is None:
            res.fail(f"batch {bid}", "the node does not know this batch")
            continue
        for key, value in chain.items():
            if key in supply and grams(supply[key]) != value:
                res.fail(f"batch {bid}", f"node {key} {grams(supply[key])}, chain {value}")
    for bid, holders in sorted(node.holders.items()):
        res.checked += 1
        chain_holders = {h.lower(): v for h, v in st.balances.get(bid, {}).items() if v}
        if holders is not None and holders != chain_holders:
            for h in sorted(set(holders) | set(chain_holders)):
                if holders.get(h, 0) != chain_holders.get(h, 0):
                    res.fail(
                        f"balance {h} batch {bid}",
                        f"node {holders.get(h, 0)}, chain {chain_holders.get(h, 0)}",
                    )
    for cid, ret in sorted(node.retirements.items()):
        res.checked += 1
        r = st.retirements[cid]
        if ret is None:
            res.fail(f"retirement {cid}", "the node does not know this certificate")
            continue
        node_fields = {
            "amount": grams(ret.get("amount")),
            "holder": str(ret.get("holder", "")).lower(),
            "batch_id": grams(ret.get("batch_id")),
        }
        chain_fields = {"amount": r.amount, "holder": r.holder.lower(), "batch_id": r.batch_id}
        for key, truth in chain_fields.items():
            if key in ret and node_fields[key] != truth:
                res.fail(f"retirement {cid}", f"node {key} {node_fields[key]}, chain {truth}")
    for eid, event in sorted(node.events.items()):
        res.checked += 1
        e = st.events[eid]
        if event is None:
            res.fail(f"event {eid}", "the node does not know this event")
            continue
        if "retired" in event and grams(event["retired"]) != e.retired:
            res.fail(f"event {eid}", f"node retired {grams(event['retired'])}, chain {e.retired}")
        if "neutralised" in event and bool(event["neutralised"]) != e.neutral:
            res.fail(f"event {eid}", f"node neutralised {event['neutralised']}, chain {e.neutral}")
    if market is not None:
        from auditor.node_market import check_market

        check_market(res, ctx, market)
    if not node.paths & {SUPPLY, HOLDERS, RETIREMENT, EVENT} and not (market and market.read):
        res.notes.append("the node's OpenAPI has none of the paths this check reads")
    return res
