"""The shared fast event codec decodes every registry log exactly as web3.py does."""

from __future__ import annotations

from typing import Any

from eth_utils.crypto import keccak

from carbon_chain.devchain import DevRegistry
from carbon_chain.eip712 import ReportPayload
from carbon_chain.events import EventCodec, fetch_logs

DAY = 24 * 3600


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def test_codec_matches_web3_for_every_log(dev: DevRegistry) -> None:
    mid = dev.register_methodology("WHCI-PV-001", sector="energy")
    pid = dev.register_project(mid, dev.actors.proponent.address)
    now = dev.now()
    rid = dev.submit_report(
        ReportPayload(
            pid,
            now - 9 * DAY,
            now - DAY,
            10_000,
            keccak(text="r"),
            keccak(text="e"),
            "WHCI-PV-001",
            1,
            now + DAY,
        )
    )
    dev.send(dev.actors.agency, dev.reg.ledger.functions.issueToProponent(rid, 10_000, 2026, 1000))
    codec = EventCodec(dev.deployment.registry, dev.deployment.ledger, dev.deployment.market)
    head = dev.w3.eth.block_number
    addresses = [dev.deployment.registry, dev.deployment.ledger]
    logs = [log for _, _, chunk in fetch_logs(dev.w3, addresses, 0, head, chunk=3) for log in chunk]
    assert len(logs) > 30
    contracts = {"CarbonRegistry": dev.reg.registry, "CarbonLedger": dev.reg.ledger}
    names = set()
    for log in logs:
        ours = codec.decode(log)
        assert ours is not None
        theirs = getattr(contracts[ours.contract].events, ours.name)().process_log(log)
        assert _plain(ours.args) == _plain(dict(theirs["args"])), ours.name
        assert ours.position == (log["blockNumber"], log["transactionIndex"], log["logIndex"])
        names.add(ours.name)
    assert {"ReportVerified", "BatchIssued", "TransferSingle", "RoleGranted"} <= names
