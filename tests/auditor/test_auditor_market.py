"""The CarbonMarket's records under tampering: compliance uses, imports and their batches, each
forged into storage (no event) on the real anvil, are caught by the right named checks."""

from __future__ import annotations

from auditor_ledger_support import DAY, TONNE, AuditedLedger, failing, findings, mapping_slot
from eth_utils.crypto import keccak

from carbon_chain.domain import AccountKind, AccountStatus
from carbon_chain.eip712 import ImportPayload
from carbon_chain.signer import LocalSigner

# Storage slots from `forge inspect CarbonLedger|CarbonMarket storageLayout`.
LEDGER_BALANCES, LEDGER_COUNTERS, LEDGER_ACCOUNTS, LEDGER_BATCHES = 0, 4, 7, 8
MARKET_ELIGIBLE, MARKET_USES, MARKET_IMPORTS = 4, 6, 7
REGISTRY_PROJECTS = 9
LOW64 = (1 << 64) - 1


def test_compliance_use_amount_overwritten(ledger: AuditedLedger) -> None:
    """4 t confirmed becomes 12 t in the market's record: above the 10 t cap, unlike its lock."""
    market, use = ledger.dev.deployment.market, ledger.market["confirmed_use"]
    slot = mapping_slot(use, "uint256", MARKET_USES) + 1  # amount: low 8 bytes of word 1
    word = ledger.storage(market, slot)
    ledger.set_storage(market, slot, (word & ~LOW64) | 12 * TONNE)
    assert ledger.dev.reg.market.functions.getComplianceUse(use).call()[4] == 12 * TONNE
    code, report = ledger.audit()
    assert code == 1
    assert failing(report) == {"state_matches_views", "compliance_caps"}
    (view,) = findings(report, "state_matches_views")
    assert view["subject"] == f"compliance use {use}"
    assert "amount: events 4000000, view 12000000" in view["message"]
    caps = " | ".join(
        f"{f['subject']}: {f['message']}" for f in findings(report, "compliance_caps")
    )
    assert f"compliance use {use}: views: use" in caps and "getLock" in caps
    assert "Σ pending + exported uses 12000000 g > cap 10000000 g" in caps
    assert "coveredEntity.used 4000000 ≠ Σ uses 12000000" in caps


def test_import_origin_range_overwritten(ledger: AuditedLedger) -> None:
    """The second import's origin start moved into the first one's range: counted twice."""
    market = ledger.dev.deployment.market
    slot = mapping_slot(2, "uint256", MARKET_IMPORTS) + 1  # originSerialStart
    ledger.set_storage(market, slot, 4_000_001)
    code, report = ledger.audit()
    assert code == 1
    assert failing(report) == {"state_matches_views", "import_origin_serials"}
    (view,) = findings(report, "state_matches_views")
    assert view["subject"] == "import 2" and "originSerialStart: events 5000001" in view["message"]
    (overlap,) = findings(report, "import_origin_serials")
    assert overlap["subject"] == f"partner {ledger.dev.actors.partner.address}"
    assert overlap["message"].startswith("views: import 2 origin serials from 4000001 overlap")


def test_forged_import_batch(ledger: AuditedLedger) -> None:
    """A batch written into the ledger as if imported (reportId 0) with no attested import."""
    dev, led = ledger.dev, ledger.dev.deployment.ledger
    template = ledger.batches_slot(ledger.market["import_batch_2"], LEDGER_BATCHES)
    counters = ledger.storage(led, LEDGER_COUNTERS)
    forged = (counters & LOW64) + 1
    next_serial = (counters >> 64) & LOW64
    word0 = ledger.storage(led, template)  # reportId | projectId | serialStart | vintage…
    word0 = (word0 & ~(LOW64 << 128)) | next_serial << 128
    word1 = (ledger.storage(led, template + 1) & ~LOW64) | 50 * TONNE
    target = ledger.batches_slot(forged, LEDGER_BATCHES)
    ledger.set_storage(led, target, word0)
    ledger.set_storage(led, target + 1, word1)
    ledger.set_storage(led, LEDGER_COUNTERS, (counters & ~LOW64) | forged)
    holder = dev.actors.enterprise.address
    outer = mapping_slot(forged, "uint256", LEDGER_BALANCES)
    ledger.set_storage(led, mapping_slot(holder, "address", outer), 50 * TONNE)
    assert dev.reg.ledger.functions.balanceOf(holder, forged).call() == 50 * TONNE
    code, report = ledger.audit()
    assert code == 1
    assert failing(report) == {"issued_within_verified", "state_matches_views"}
    (issued,) = findings(report, "issued_within_verified")
    assert issued["subject"] == f"batch {forged}"
    assert "without a report (reportId 0) and 0 CreditsImported" in issued["message"]
    subjects = {f["subject"] for f in findings(report, "state_matches_views")}
    assert {f"batch {forged}", "configuration", f"balance {holder} batch {forged}"} <= subjects


def test_import_attested_by_a_forged_partner(ledger: AuditedLedger) -> None:
    """The market accepts a partner account forged into storage; the auditor replays accounts."""
    dev = ledger.dev
    outsider = LocalSigner.dev(18, dev.deployment.chain_id)
    word = int(AccountKind.PARTNER_REGISTRY) | int(AccountStatus.ACTIVE) << 8 | 420100 << 16
    ledger.set_storage(
        dev.deployment.ledger, mapping_slot(outsider.address, "address", LEDGER_ACCOUNTS), word
    )
    # The next free hour of the PV project, taken from the project's consumed periods.
    project = dev.reg.ledger.functions.getBatch(ledger.market["import_batch_2"]).call()[1]
    last = dev.reg.registry.functions.getProject(project).call()[4]
    payload = ImportPayload(
        partner=outsider.address,
        origin_serial_start=1,
        origin_serial_end=1_000_001,
        project_id=project,
        period_start=last,
        period_end=last + 3600,
        vintage=2025,
        recipient=dev.actors.enterprise.address,
        evidence_hash=keccak(text="forged partner"),
        deadline=dev.now() + DAY,
    )
    batch = dev.import_credits(payload, outsider)
    code, report = ledger.audit()
    assert code == 1
    assert failing(report) == {"import_attestations", "state_matches_views"}
    (finding,) = findings(report, "import_attestations")
    assert finding["subject"] == "import 3"
    assert f"partner {outsider.address}" in finding["message"]
    assert "no registered carbon account" in finding["message"]
    views = {f["subject"] for f in findings(report, "state_matches_views")}
    assert f"account {outsider.address}" in views
    assert batch == ledger.market["import_batch_2"] + 1


def test_use_of_a_methodology_made_eligible_in_storage(ledger: AuditedLedger) -> None:
    """Eligibility forged without MethodologyEligibilitySet: the use is not eligible by events."""
    dev, market = ledger.dev, ledger.dev.deployment.market
    mid = dev.register_methodology("WHCI-FOREST-001", sector="forestry")
    pid = dev.register_project(mid, dev.actors.proponent.address)
    # The proponent's credits under an ineligible methodology, imported from the partner.
    last = dev.reg.registry.functions.getProject(pid).call()[4]
    payload = ImportPayload(
        partner=dev.actors.partner.address,
        origin_serial_start=9_000_001,
        origin_serial_end=10_000_001,
        project_id=pid,
        period_start=max(last, dev.now() - 2 * DAY),
        period_end=dev.now() - DAY,
        vintage=2025,
        recipient=dev.actors.proponent.address,
        evidence_hash=keccak(text="forest"),
        deadline=dev.now() + DAY,
    )
    batch = dev.import_credits(payload)
    inner = mapping_slot(2026, "uint16", MARKET_ELIGIBLE)
    ledger.set_storage(market, mapping_slot(mid, "uint256", inner), 1)
    fn = dev.reg.market.functions.useForCompliance(2026, batch, TONNE // 2)
    dev.send(dev.actors.proponent, fn)
    code, report = ledger.audit()
    assert code == 1
    assert failing(report) == {"compliance_caps", "state_matches_views"}
    (finding,) = findings(report, "compliance_caps")
    assert finding["subject"] == "compliance use 3"
    assert f"methodology {mid} of batch {batch} not eligible in 2026" in finding["message"]
    (view,) = findings(report, "state_matches_views")
    assert view["subject"] == f"eligibility 2026 methodology {mid}"


def test_import_over_a_reported_period(ledger: AuditedLedger) -> None:
    """With the project's consumed periods rolled back in storage, the market imports a period
    already verified in a report: the views agree afterwards, the periods do not."""
    dev, registry = ledger.dev, ledger.dev.deployment.registry
    report = dev.reg.registry.functions.getReport(ledger.reports["pv"]).call()
    project, period_start = report[0], report[1]
    slot = mapping_slot(project, "uint256", REGISTRY_PROJECTS)  # lastPeriodEnd: bits 136..199
    word = ledger.storage(registry, slot)
    ledger.set_storage(registry, slot, (word & ~(LOW64 << 136)) | period_start << 136)
    payload = ImportPayload(
        partner=dev.actors.partner.address,
        origin_serial_start=20_000_001,
        origin_serial_end=21_000_001,
        project_id=project,
        period_start=period_start + 3600,
        period_end=period_start + 7200,
        vintage=2025,
        recipient=dev.actors.enterprise.address,
        evidence_hash=keccak(text="double counted"),
        deadline=dev.now() + DAY,
    )
    dev.import_credits(payload)
    code, report_doc = ledger.audit()
    assert code == 1
    assert failing(report_doc) == {"monitoring_periods"}
    (finding,) = findings(report_doc, "monitoring_periods")
    assert finding["subject"] == f"project {project}"
    assert f"overlaps report {ledger.reports['pv']}" in finding["message"]
    assert "import 3" in finding["message"]
