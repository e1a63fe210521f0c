"""Each tampering is caught by the right named check: the auditor trusts neither the published
files, nor the contract's views, nor the contract's own checks."""

from __future__ import annotations

import json

from auditor_ledger_support import AuditedLedger, failing, findings, mapping_slot, publish_report

from carbon_chain.dataset import canonical_json
from carbon_chain.domain import VERIFIER_ROLE, AccountKind, AccountStatus
from carbon_chain.signer import LocalSigner

# Storage slots from `forge inspect CarbonLedger|CarbonRegistry storageLayout`.
LEDGER_BALANCES, LEDGER_ACCOUNTS = 0, 7
REGISTRY_ROLES, REGISTRY_REPORTS, REGISTRY_EVENTS = 0, 10, 12


def test_altered_amount_in_a_published_dataset(ledger: AuditedLedger) -> None:
    path = ledger.published["gt"]
    doc = json.loads(path.read_bytes())
    doc["allocations"][0]["grams"] += 500  # someone edits one participant's share
    path.write_bytes(canonical_json(doc))
    code, report = ledger.audit()
    assert code == 1
    assert failing(report) == {"dataset_evidence", "dataset_allocations"}
    (sha,) = findings(report, "dataset_evidence")
    assert sha["subject"] == f"report {ledger.reports['gt']}" and "sha256" in sha["message"]
    messages = " ".join(f["message"] for f in findings(report, "dataset_allocations"))
    assert "Σ allocations 10500 g" in messages and "Merkle root" in messages


def test_dataset_file_swapped(ledger: AuditedLedger) -> None:
    ledger.published["pv"].write_bytes(ledger.published["gt"].read_bytes())
    code, report = ledger.audit()
    assert code == 1
    assert "dataset_evidence" in failing(report)
    subjects = {f["subject"] for f in findings(report, "dataset_evidence")}
    assert subjects == {f"report {ledger.reports['pv']}"}
    messages = " ".join(f["message"] for f in findings(report, "dataset_evidence"))
    assert "sha256" in messages and "project_id" in messages


def test_missing_dataset(ledger: AuditedLedger) -> None:
    ledger.published["pv"].unlink()
    code, report = ledger.audit()
    assert code == 1 and failing(report) == {"dataset_evidence"}
    assert "no dataset published" in findings(report, "dataset_evidence")[0]["message"]


def test_report_signed_by_a_forged_verifier(ledger: AuditedLedger) -> None:
    """The contract is fooled by forged state; the auditor replays roles and accounts itself."""
    dev = ledger.dev
    outsider = LocalSigner.dev(18, dev.deployment.chain_id)
    # VERIFIER role without RoleGranted: _roles[VERIFIER].hasRole[outsider] = true.
    role_data = mapping_slot(VERIFIER_ROLE, "bytes32", REGISTRY_ROLES)
    ledger.set_storage(
        dev.deployment.registry, mapping_slot(outsider.address, "address", role_data), 1
    )
    # An ACTIVE VERIFIER account without AccountRegistered: kind | status << 8 | region << 16.
    word = int(AccountKind.VERIFIER) | int(AccountStatus.ACTIVE) << 8 | 420100 << 16
    ledger.set_storage(
        dev.deployment.ledger, mapping_slot(outsider.address, "address", LEDGER_ACCOUNTS), word
    )
    assert dev.reg.registry.functions.isActiveVerifier(outsider.address).call()
    mid = dev.register_methodology("WHCI-NEV-001")
    pid = dev.register_project(mid, dev.actors.proponent.address)
    signers = [dev.actors.verifiers[0], outsider]
    rid, _ = publish_report(
        dev, ledger.datasets, pid, "WHCI-NEV-001", [(dev.actors.proponent.address, 7_000)], signers
    )
    code, report = ledger.audit()
    assert code == 1
    assert "verifier_signatures" in failing(report)
    (finding,) = findings(report, "verifier_signatures")
    assert finding["subject"] == f"report {rid}"
    assert outsider.address in finding["message"]
    assert "no VERIFIER role" in finding["message"] and "no registered" in finding["message"]
    # The forged role and account also show as state without events.
    views = " ".join(f["subject"] for f in findings(report, "state_matches_views"))
    assert f"account {outsider.address}" in views


def test_report_quantity_overwritten_in_storage(ledger: AuditedLedger) -> None:
    registry, rid = ledger.dev.deployment.registry, ledger.reports["pv"]
    slot = mapping_slot(rid, "uint256", REGISTRY_REPORTS) + 1  # quantity: low 8 bytes
    word = ledger.storage(registry, slot)
    ledger.set_storage(registry, slot, (word >> 64) << 64 | 500 * 1_000_000)
    assert ledger.dev.reg.registry.functions.getReport(rid).call()[5] == 500 * 1_000_000
    code, report = ledger.audit()
    assert code == 1
    assert failing(report) == {"state_matches_views"}
    (finding,) = findings(report, "state_matches_views")
    assert finding["subject"] == f"report {rid}"
    assert "quantity: events 100000000, view 500000000" in finding["message"]


def test_balance_overwritten_in_storage(ledger: AuditedLedger) -> None:
    ledger_address, batch = ledger.dev.deployment.ledger, ledger.batches["pv"]
    holder = ledger.dev.actors.enterprise.address  # never held any: minted from nothing
    outer = mapping_slot(batch, "uint256", LEDGER_BALANCES)
    ledger.set_storage(ledger_address, mapping_slot(holder, "address", outer), 9_999)
    code, report = ledger.audit()
    assert code == 1
    assert failing(report) == {"state_matches_views", "supply_equation"}
    (view,) = findings(report, "state_matches_views")
    assert view["subject"] == f"balance {holder} batch {batch}"
    (supply,) = findings(report, "supply_equation")
    assert supply["message"].startswith("views:") and supply["subject"] == f"batch {batch}"


def test_event_marked_neutral_without_cover(ledger: AuditedLedger) -> None:
    dev = ledger.dev
    now = dev.now()
    fn = dev.reg.registry.functions.registerEvent(
        "Marathon", 420100, now, now + 86_400, 50 * 1_000_000, b"\x07" * 32
    )
    receipt = dev.send(dev.actors.organiser, fn)
    event_id = dev.reg.events(receipt, dev.reg.registry, "CarbonEventRegistered")[0]["args"][
        "eventId"
    ]
    pv = ledger.batches["pv"]
    dev.send(dev.actors.organiser, dev.reg.ledger.functions.retireForEvent(event_id, pv, 1_000))
    slot = mapping_slot(event_id, "uint256", REGISTRY_EVENTS)  # neutral: byte 24 of word 0
    word = ledger.storage(dev.deployment.registry, slot)
    ledger.set_storage(dev.deployment.registry, slot, word | 1 << (24 * 8))
    assert dev.reg.registry.functions.getEvent(event_id).call()[2] is True
    code, report = ledger.audit()
    assert code == 1
    assert failing(report) == {"event_neutrality", "state_matches_views"}
    (finding,) = findings(report, "event_neutrality")
    assert finding["subject"] == f"event {event_id}"
    assert "cover 1000 g of its 50000000 g footprint" in finding["message"]
