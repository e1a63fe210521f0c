"""Points through the node: redemption (signing op), points and redemptions API, and the
expiry sweep (API and CLI) twice after anvil time travel: the second run sends nothing."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from eth_account import Account
from sqlalchemy import select
from test_node_market_support import (  # noqa: F401  (fixtures)
    DAY,
    MarketNode,
    h32,
    market_keyfiles_fixture,
    market_node_fixture,
    points_batch,
)
from test_node_tx_support import token

from carbon_chain.domain import AccountKind, CancellationKind, MethodologyKind
from carbon_chain.merkle import AllocationTree
from registry_node import cli
from registry_node.tx.models import SigningAudit


def _sweep(node: MarketNode, **body: object) -> dict[str, object]:
    headers = {"Authorization": f"Bearer {node.tokens['agency']}"}
    response = node.client.post("/v1/points/expiry-sweep", json=body or None, headers=headers)
    assert response.status_code == 200, response.text
    result: dict[str, object] = response.json()
    return result


def test_redeem_points_history_and_expiry_sweep(market_node: MarketNode) -> None:
    node, dev = market_node, market_node.dev
    a, led = dev.actors, dev.reg.ledger.functions
    citizen = a.citizens[0].address
    ids = points_batch(dev, validity=40 * DAY, grams=[400_000, 300_000, 200_000])
    batch = ids["batch"]

    redeemed = node.sign(
        "citizen",
        "redeem_points",
        {"batch_id": batch, "amount": 100_000, "incentive_reference": h32("coupon-1")},
    )
    assert redeemed.status_code == 200, redeemed.text
    dev.send(a.citizens[0], led.safeTransferFrom(citizen, a.aggregator.address, batch, 50_000, b""))
    wrong = node.sign(
        "citizen",
        "redeem_points",
        {"batch_id": batch, "amount": 1, "incentive_reference": "0x" + "00" * 32},
    )
    assert wrong.status_code == 422 and wrong.json()["revert"]["name"] == "MarketZeroReference"
    node.sync()

    points = node.get(f"/v1/accounts/{citizen}/points")
    (holding,) = points["holdings"]
    assert holding["batch_id"] == batch and holding["expired"] is False
    assert holding["balance"]["grams"] == str(led.balanceOf(citizen, batch).call()) == "250000"
    expires_at = holding["expires_at"]
    assert expires_at == dev.reg.ledger.functions.getBatch(batch).call()[9]
    assert expires_at > dev.now() and holding["expires_at_iso"].endswith("Z")
    kinds = [(e["kind"], e["amount"]["grams"]) for e in points["history"]]
    assert sorted(kinds) == [("CLAIM", "400000"), ("REDEMPTION", "100000"), ("TRANSFER", "50000")]
    assert kinds[0] == ("TRANSFER", "50000")  # newest first
    (redemption,) = node.get("/v1/redemptions", citizen=citizen)["items"]
    view = dev.reg.market.functions.getRedemption(redemption["redemption_id"]).call()
    assert (redemption["citizen"], redemption["batch_id"], redemption["redeemed_at"]) == tuple(
        view[:3]
    )
    assert redemption["amount"]["grams"] == str(view[3]) and redemption["aggregator"] == view[4]
    assert redemption["incentive_reference"] == h32("coupon-1")
    assert node.get("/v1/redemptions", citizen=a.citizens[1].address)["items"] == []

    nothing = _sweep(node)
    assert nothing["chunks"] == [] and nothing["cancelled"]["grams"] == "0"

    dev.advance_time(41 * DAY)
    node.sync()
    assert node.get(f"/v1/accounts/{citizen}/points")["holdings"][0]["expired"] is True
    planned = _sweep(node, dry_run=True)
    assert planned["dry_run"] is True and planned["chunks"][0]["status"] == "planned"
    holders = {citizen, a.citizens[1].address, a.citizens[2].address, a.aggregator.address}
    assert set(planned["chunks"][0]["holders"]) == holders  # type: ignore[index]

    first = _sweep(node)
    (chunk,) = first["chunks"]  # type: ignore[misc]
    assert chunk["status"] == "mined" and chunk["batch_id"] == batch
    assert first["cancelled"]["grams"] == str(250_000 + 300_000 + 200_000 + 150_000)  # type: ignore[index]
    assert all(led.balanceOf(h, batch).call() == 0 for h in holders)
    second = _sweep(node)  # before the index caught up: the chain's balances say nothing is left
    assert second["chunks"] == [] and second["batches"] == []
    node.sync()
    assert _sweep(node)["chunks"] == []

    points = node.get(f"/v1/accounts/{citizen}/points")
    assert points["holdings"] == []
    expiry = [e for e in points["history"] if e["kind"] == "EXPIRY"]
    assert [e["amount"]["grams"] for e in expiry] == ["250000"]
    assert expiry[0]["tx_hash"] == chunk["tx_hash"]
    supply = node.get(f"/v1/batches/{batch}")["supply"]
    assert supply["cancelled"]["grams"] == "900000"
    cancellation = dev.reg.ledger.functions.getCancellation(int(expiry[0]["reference"])).call()
    assert cancellation[2] == int(CancellationKind.EXPIRY)


def test_sweep_requires_the_issuer_and_a_token(market_node: MarketNode) -> None:
    node = market_node
    assert node.client.post("/v1/points/expiry-sweep").status_code == 401
    headers = {"Authorization": f"Bearer {node.tokens['citizen']}"}
    assert node.client.post("/v1/points/expiry-sweep", headers=headers).status_code == 403
    with node.engine.connect() as conn:
        audited = conn.execute(
            select(SigningAudit.op, SigningAudit.http_status).order_by(SigningAudit.id)
        ).all()
    assert [tuple(r) for r in audited][-2:] == [("expiry-sweep", 401), ("expiry-sweep", 403)]


def test_sweep_cli_chunks_and_reruns_as_a_no_op(
    market_node: MarketNode, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    node, dev = market_node, market_node.dev
    ids = points_batch(dev, validity=10 * DAY, grams=[1000, 2000], code="WHCI-GT-010")
    dev.advance_time(11 * DAY)
    node.sync()
    settings = node.settings
    for name, value in {
        "DATABASE_URL": settings.database_url,
        "RPC_URL": settings.rpc_url,
        "MANIFEST_PATH": str(settings.manifest_path),
        "KEYSTORE_DIR": str(settings.keystore_dir),
        "KEYSTORE_PASSWORD_FILE": str(settings.keystore_password_file),
        "SIGNING_KEYS": json.dumps({"agency": {"role": "agency"}}),
        "RUN_INDEXER": "false",
    }.items():
        monkeypatch.setenv(f"REGISTRY_NODE_{name}", value)
    assert cli.main(["sweep-expired"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["batches"] == [ids["batch"]] and report["cancelled"]["grams"] == "3000"
    assert cli.main(["sweep-expired"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["chunks"] == [] and again["cancelled"]["grams"] == "0"
    assert Path(settings.manifest_path).exists() and uuid.UUID(report["chunks"][0]["request_id"])


def test_sweep_sends_chunks_of_at_most_200_holders(market_node: MarketNode) -> None:
    node, dev = market_node, market_node.dev
    a, led = dev.actors, dev.reg.ledger.functions
    people = [Account.create().address for _ in range(203)]
    for address in people:
        dev.register_account(address, AccountKind.INDIVIDUAL)
    mid = dev.register_methodology(
        "WHCI-GT-011", kind=MethodologyKind.PERSONAL_SCENARIO, point_validity=5 * DAY
    )
    pid = dev.register_project(mid, a.aggregator.address)
    allocations = [(p, 10 + i) for i, p in enumerate(people)]
    tree = AllocationTree(allocations)
    total = sum(g for _, g in allocations)
    rid = dev.report_last_month(pid, "WHCI-GT-011", total, tree.root)
    receipt = dev.send(a.agency, led.issueDistribution(rid, total, 2026, 0, tree.root, 30 * DAY))
    batch = int(dev.reg.events(receipt, dev.reg.ledger, "BatchIssued")[0]["args"]["batchId"])
    for account, amount in allocations:
        dev.send(a.agency, led.claim(batch, account, amount, tree.proof(account)))
    dev.advance_time(6 * DAY)
    node.sync()
    result = _sweep(node)
    sizes = [len(c["holders"]) for c in result["chunks"]]  # type: ignore[union-attr]
    assert sizes == [200, 3]
    assert all(c["status"] == "mined" for c in result["chunks"])  # type: ignore[union-attr]
    assert result["cancelled"]["grams"] == str(total)  # type: ignore[index]
    node.sync()
    assert _sweep(node)["chunks"] == []


def test_a_self_custody_citizen_redeems_through_the_relay(market_node: MarketNode) -> None:
    node, dev = market_node, market_node.dev
    citizen = dev.actors.citizens[1]
    ids = points_batch(dev, validity=40 * DAY, grams=[1000, 2000], code="WHCI-GT-012")
    fn = dev.reg.market.functions.redeemPoints(ids["batch"], 500, bytes.fromhex(h32("order")[2:]))
    tx = fn.build_transaction(
        {
            "from": citizen.address,
            "nonce": dev.w3.eth.get_transaction_count(citizen.address),
            "gas": 400_000,
            "gasPrice": dev.w3.eth.gas_price,
            "chainId": dev.deployment.chain_id,
        }
    )
    raw = citizen.sign_transaction(dict(tx))
    relay = token(node.settings, None, "relay")
    headers = {"Authorization": f"Bearer {relay}", "Idempotency-Key": uuid.uuid4().hex}
    response = node.client.post("/v1/tx/raw", json={"raw": "0x" + raw.hex()}, headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["function"] == "CarbonMarket.redeemPoints"
    node.sync()
    (redemption,) = node.get("/v1/redemptions", citizen=citizen.address)["items"]
    assert redemption["amount"]["grams"] == "500"
