"""Imports from a partner platform through the node: attestation and hint checks, overlap
rejections (origin serials per partner, monitoring periods vs local reports), imports API."""

from __future__ import annotations

from eth_utils.crypto import keccak
from test_node_market_support import (  # noqa: F401  (fixtures)
    MarketNode,
    import_body,
    import_payload,
    market_keyfiles_fixture,
    market_node_fixture,
)

from carbon_chain.eip712 import import_digest


def _imported(response: object) -> dict[str, str]:
    body = response.json()  # type: ignore[attr-defined]
    assert response.status_code == 200, body  # type: ignore[attr-defined]
    (event,) = [e for e in body["events"] if e["name"] == "CreditsImported"]
    args: dict[str, str] = event["args"]
    return args


def test_import_end_to_end_with_overlap_rejections(market_node: MarketNode) -> None:
    node, dev = market_node, market_node.dev
    market = dev.reg.market.functions
    partner = dev.actors.partner.address
    mid = dev.register_methodology("WHCI-FOR-101", sector="forestry")
    pid = dev.register_project(mid, dev.actors.proponent.address)
    # Ranges arrive out of order: the node finds each hint (index, then chain).
    dev_first = import_payload(dev, pid, 1000, 6000, ago=200)
    first = _imported(node.sign("agency", "import_credits", import_body(dev, dev_first)))
    below = import_payload(dev, pid, 10, 20, ago=190)
    _imported(node.sign("agency", "import_credits", import_body(dev, below)))  # index not synced
    node.sync()
    above = import_payload(dev, pid, 6000, 7000, ago=180)
    third = _imported(node.sign("agency", "import_credits", import_body(dev, above)))
    assert market.importedRange(partner, 0).call() == [0, 10]
    assert market.importedRange(partner, 10).call() == [20, 1000]
    assert market.importedRange(partner, 1000).call() == [6000, 6000]
    # Serials beyond 2^63 (stored as text on SQLite) still get a right hint.
    huge = import_payload(dev, pid, 2**70, 2**70 + 100, ago=165)
    _imported(node.sign("agency", "import_credits", import_body(dev, huge)))
    node.sync()
    between = import_payload(dev, pid, 2**64, 2**64 + 10, ago=150)
    _imported(node.sign("agency", "import_credits", import_body(dev, between)))
    assert market.importedRange(partner, 6000).call() == [7000, 2**64]

    overlap = import_payload(dev, pid, 5999, 6001, ago=130)
    refused = node.sign("agency", "import_credits", import_body(dev, overlap))
    assert 400 <= refused.status_code < 500
    assert refused.json()["revert"]["name"] == "MarketOriginSerialsOverlap"
    assert refused.json()["revert"]["args"][0] == partner

    # The project's last month is reported here: a period inside it is never counted twice.
    dev.report_last_month(pid, "WHCI-FOR-101", 1000, keccak(text="forest-root"))
    reported = import_payload(dev, pid, 50_000, 60_000, ago=20)
    refused = node.sign("agency", "import_credits", import_body(dev, reported))
    assert 400 <= refused.status_code < 500
    assert refused.json()["revert"]["name"] == "ReportPeriodOverlap"

    forged = node.sign(
        "agency", "import_credits", import_body(dev, reported, signer=dev.actors.citizens[0])
    )
    assert forged.status_code == 422
    assert forged.json()["field"] == "attestation"
    replay = node.sign("agency", "import_credits", import_body(dev, dev_first))
    assert 400 <= replay.status_code < 500
    assert replay.json()["revert"]["name"] == "MarketImportReplayed"
    holder = node.sign("proponent", "import_credits", import_body(dev, reported))
    assert holder.status_code == 403

    node.sync()
    listed = node.get("/v1/imports", partner=partner)["items"]
    assert [i["origin"]["serial_start"] for i in listed] == [
        "1000",
        "10",
        "6000",
        str(2**70),
        str(2**64),
    ]
    one = node.get(f"/v1/imports/{first['importId']}")
    view = market.getImport(int(first["importId"])).call()
    assert one["origin"]["partner"] == view[0] == partner
    assert one["batch_id"] == view[1] and one["imported_at"] == view[2]
    assert (one["origin"]["serial_start"], one["origin"]["serial_end"]) == (
        str(view[3]),
        str(view[4]),
    )
    assert one["attestation_digest"] == "0x" + bytes(view[5]).hex()
    assert one["attestation_digest"] == "0x" + import_digest(dev.market_domain, dev_first).hex()
    assert one["origin"]["quantity"]["grams"] == "5000"
    assert one["origin"]["partner_record_hash"] == "0x" + keccak(text=f"account:{partner}").hex()
    assert (one["period_start"], one["period_end"]) == (
        dev_first.period_start,
        dev_first.period_end,
    )
    batch = node.get(f"/v1/batches/{one['batch_id']}")
    assert batch["report_id"] == 0 and batch["recipient"] == dev.actors.enterprise.address
    assert batch["quantity"]["grams"] == "5000"
    balance = dev.reg.ledger.functions.balanceOf(
        dev.actors.enterprise.address, int(third["batchId"])
    )
    assert balance.call() == 1000
    assert node.client.get("/v1/imports/99").status_code == 404
