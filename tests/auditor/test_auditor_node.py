"""The node cross-check catches a node whose database lies (balance, retirement), using a fake
node API served by httpx.MockTransport from the chain's own truth plus one altered row."""

from __future__ import annotations

from typing import Any

import httpx
from auditor_ledger_support import AuditedLedger
from web3 import Web3

from auditor.audit import run_audit
from auditor.checks import AuditContext
from auditor.node import check_node_agrees, fetch_node
from auditor.sources import DatasetSource
from auditor.views import ChainSnapshot


def _fake_node(ledger: AuditedLedger, lie: dict[str, Any]) -> httpx.MockTransport:
    led = ledger.dev.reg.ledger.functions
    a = ledger.dev.actors
    holders: list[str] = [a.proponent.address, a.organiser.address, a.buffer.address]
    holders += [a.aggregator.address, ledger.dev.deployment.ledger]

    def handle(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/openapi.json":
            paths = ["/v1/batches/{batch_id}/holders", "/v1/retirements/{certificate_id}"]
            return httpx.Response(200, json={"paths": {p: {} for p in paths}})
        if path.startswith("/v1/batches/") and path.endswith("/holders"):
            bid = int(path.split("/")[3])
            items = [
                {"holder": h, "balance": {"grams": str(lie.get(h, led.balanceOf(h, bid).call()))}}
                for h in holders + [c.address for c in ledger.dev.actors.citizens]
                if led.balanceOf(h, bid).call()
            ]
            return httpx.Response(200, json={"items": items, "next_offset": None})
        if path.startswith("/v1/retirements/"):
            cid = int(path.split("/")[3])
            holder, amount, *_rest, batch_id, _at, _ref = led.getRetirement(cid).call()
            amount = lie.get(f"retirement {cid}", amount)
            body = {"holder": holder, "amount": {"grams": str(amount)}, "batch_id": batch_id}
            return httpx.Response(200, json=body)
        return httpx.Response(404)

    return httpx.MockTransport(handle)


def test_a_lying_node_is_caught(ledger: AuditedLedger) -> None:
    w3 = Web3(Web3.HTTPProvider(ledger.rpc))
    outcome = run_audit(w3, ledger.dev.deployment, DatasetSource(str(ledger.datasets)))
    ctx = AuditContext(
        ledger.dev.deployment, outcome.block, outcome.state, ChainSnapshot(0), {}, {}
    )
    ids: tuple[list[int], list[int], list[int]] = (
        sorted(outcome.state.batches),
        sorted(outcome.state.retirements),
        [],
    )

    honest = fetch_node("http://node", *ids, transport=_fake_node(ledger, {}))
    assert check_node_agrees(ctx, honest).passed

    organiser = ledger.dev.actors.organiser.address
    first_cert = min(outcome.state.retirements)
    lies = {organiser: 1, f"retirement {first_cert}": 7}
    lying = fetch_node("http://node", *ids, transport=_fake_node(ledger, lies))
    result = check_node_agrees(ctx, lying)
    subjects = {f.subject for f in result.findings}
    assert f"balance {organiser.lower()} batch {ledger.batches['pv']}" in subjects
    assert f"retirement {first_cert}" in subjects
