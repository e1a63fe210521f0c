"""Cross-check the registry node's HTTP API against the chain (optional, `--node URL`).

Kept small and tolerant of the API's shape: the node's `/openapi.json` says which paths exist;
only those are read, and amounts are accepted as integers, decimal strings or `{"grams": …}`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from auditor.findings import AuditContext, CheckResult

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


def fetch_node(
    base: str,
    batch_ids: list[int],
    retirement_ids: list[int],
    event_ids: list[int],
    transport: httpx.BaseTransport | None = None,
) -> NodeView:
    """Read the node's view of the given entities.

    Raises:
        RuntimeError: the node is unreachable or has no OpenAPI document.
    """
    client = httpx.Client(base_url=base.rstrip("/"), timeout=30, transport=transport)
    try:
        spec = client.get("/openapi.json")
        spec.raise_for_status()
    except httpx.HTTPError as exc:
        raise RuntimeError(f"node {base} unreachable or without /openapi.json: {exc}") from exc
    view = NodeView(paths=set(spec.json().get("paths", {})))

    def get(path: str, quiet: int = 404) -> Any:
        try:
            resp = client.get(path)
        except httpx.HTTPError as exc:
            view.errors.append(f"GET {path}: {exc}")
            return None
        if resp.status_code in (404, quiet):
            return None
        if resp.status_code != 200:
            view.errors.append(f"GET {path}: HTTP {resp.status_code}")
            return None
        return resp.json()

    for bid in batch_ids:
        if SUPPLY in view.paths:
            view.supplies[bid] = get(SUPPLY.format(batch_id=bid))
        if HOLDERS in view.paths:
            view.holders[bid] = _holders(get, HOLDERS.format(batch_id=bid))
    if RETIREMENT in view.paths:
        for cid in retirement_ids:
            view.retirements[cid] = get(RETIREMENT.format(certificate_id=cid))
    if EVENT in view.paths:
        for eid in event_ids:
            view.events[eid] = get(EVENT.format(event_id=eid))
    client.close()
    return view


def _holders(get: Callable[..., Any], path: str) -> dict[str, int] | None:
    out: dict[str, int] = {}
    offset: int | None = 0
    limit = f"limit={PAGE_LIMIT}&"
    for _ in range(MAX_PAGES):
        if offset is None:
            return out
        page = get(f"{path}?{limit}offset={offset}", quiet=422 if limit else 404)
        if page is None and limit:
            # The page cap is a node setting: a node capped below PAGE_LIMIT answers 422, so
            # page through it at its own default size instead.
            limit = ""
            page = get(f"{path}?offset={offset}")
        if not isinstance(page, dict):
            return None
        for item in page.get("items", []):
            amount = grams(item.get("balance"))
            if amount:
                out[str(item.get("holder", "")).lower()] = amount
        offset = page.get("next_offset")
    return out


def check_node_agrees(ctx: AuditContext, node: NodeView) -> CheckResult:
    """The node's API says what the chain says: supplies, balances, retirements, events."""
    res = CheckResult("node_agrees", "The node's API agrees with the chain", "node")
    st = ctx.state
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
    if not node.paths & {SUPPLY, HOLDERS, RETIREMENT, EVENT}:
        res.notes.append("the node's OpenAPI has none of the paths this check reads")
    return res
