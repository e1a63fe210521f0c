"""A small but complete ledger for the auditor's tests, with its datasets published.

The lifecycle covers every kind of record the auditor rebuilds: accounts and roles, two
methodologies, two projects, a project report issued to its proponent (with buffer), a personal
distribution with claims, transfers, event retirements that neutralise an event, a voluntary
retirement, a cancellation, an export and a released lock; and through the CarbonMarket a Hubei
compliance year with a confirmed and a released use, two imports from a partner platform, a
points redemption and, once the points expired, the issuer's expiry sweep.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from auditor_ledger_support import DAY, TONNE, AuditedLedger, publish_report
from eth_utils.crypto import keccak

from carbon_chain.devchain import DevRegistry
from carbon_chain.domain import CancellationKind, MethodologyKind, RetirementPurpose
from carbon_chain.eip712 import ImportPayload
from carbon_chain.merkle import AllocationTree

POINT_VALIDITY = 30 * DAY


@pytest.fixture
def ledger(dev: DevRegistry, tmp_path: Path, anvil: Any) -> AuditedLedger:
    """Run the lifecycle on the snapshotted dev chain and return it ready to audit."""
    a, led, reg = dev.actors, dev.reg.ledger.functions, dev.reg.registry.functions
    datasets = tmp_path / "datasets"
    manifest = tmp_path / "manifest.json"
    dev.deployment.save(manifest)

    # A PV project: 100 t verified, 60 t issued to the proponent with a 10 % buffer.
    mid = dev.register_methodology("WHCI-PV-001", sector="energy")
    pid = dev.register_project(mid, a.proponent.address, region=422800)
    pv_report, pv_path = publish_report(
        dev, datasets, pid, "WHCI-PV-001", [(a.proponent.address, 100 * TONNE)]
    )
    receipt = dev.send(a.agency, led.issueToProponent(pv_report, 60 * TONNE, 2026, 1000))
    pv_batch = dev.reg.events(receipt, dev.reg.ledger, "BatchIssued")[0]["args"]["batchId"]
    dev.send(
        a.proponent,
        led.safeTransferFrom(a.proponent.address, a.organiser.address, pv_batch, 30 * TONNE, b""),
    )
    now = dev.now()
    receipt = dev.send(
        a.organiser,
        reg.registerEvent("Expo", 420106, now, now + 3 * DAY, 25 * TONNE, keccak(text="fp")),
    )
    event_id = dev.reg.events(receipt, dev.reg.registry, "CarbonEventRegistered")[0]["args"][
        "eventId"
    ]
    dev.send(a.organiser, led.retireForEvent(event_id, pv_batch, 20 * TONNE))
    dev.send(a.organiser, led.retireForEvent(event_id, pv_batch, 5 * TONNE))
    voluntary = int(RetirementPurpose.VOLUNTARY)
    dev.send(
        a.proponent,
        led.retire(pv_batch, 2 * TONNE, a.enterprise.address, voluntary, b"\x01" * 32, 420100),
    )
    invalidation = int(CancellationKind.INVALIDATION)
    dev.send(
        a.agency,
        led.cancelCredits(pv_batch, a.proponent.address, TONNE, invalidation, b"\x02" * 32, "x"),
    )
    dest = keccak(text="hubei")
    receipt = dev.send(a.proponent, led.lockForExport(pv_batch, 3 * TONNE, dest))
    lock_id = dev.reg.events(receipt, dev.reg.ledger, "CreditsLocked")[0]["args"]["lockId"]
    dev.send(a.agency, led.confirmExport(lock_id, keccak(text="HBEA-1")))
    receipt = dev.send(a.proponent, led.lockForExport(pv_batch, 2 * TONNE, dest))
    lock_id = dev.reg.events(receipt, dev.reg.ledger, "CreditsLocked")[0]["args"]["lockId"]
    dev.send(a.agency, led.releaseLock(lock_id, "market closed"))

    # A personal green-travel distribution: two citizens claim, one passes points on.
    mid2 = dev.register_methodology(
        "WHCI-GT-001", kind=MethodologyKind.PERSONAL_SCENARIO, point_validity=POINT_VALIDITY
    )
    pid2 = dev.register_project(mid2, a.aggregator.address)
    allocations: list[tuple[str, int]] = [
        (c.address, (i + 1) * 1_000) for i, c in enumerate(a.citizens)
    ]
    gt_report, gt_path = publish_report(dev, datasets, pid2, "WHCI-GT-001", allocations)
    tree = AllocationTree(allocations)
    total = sum(g for _, g in allocations)
    receipt = dev.send(a.agency, led.issueDistribution(gt_report, total, 2026, 0, tree.root, DAY))
    gt_batch = dev.reg.events(receipt, dev.reg.ledger, "BatchIssued")[0]["args"]["batchId"]
    for citizen, grams in allocations[:2]:
        dev.send(a.agency, led.claim(gt_batch, citizen, grams, tree.proof(citizen)))
    first = a.citizens[0]
    dev.send(first, led.safeTransferFrom(first.address, a.aggregator.address, gt_batch, 400, b""))

    market = _market_lifecycle(dev, mid, pid, pv_batch, gt_batch)
    return AuditedLedger(
        dev=dev,
        rpc=anvil.url,
        manifest=manifest,
        datasets=datasets,
        out=tmp_path / "audit",
        reports={"pv": pv_report, "gt": gt_report},
        batches={"pv": pv_batch, "gt": gt_batch},
        event_id=event_id,
        published={"pv": pv_path, "gt": gt_path},
        market=market,
    )


def _market_lifecycle(
    dev: DevRegistry, pv_methodology: int, pv_project: int, pv_batch: int, gt_batch: int
) -> dict[str, int]:
    """Compliance use (confirmed + released), two imports, a redemption and an expiry sweep."""
    a, mkt, led = dev.actors, dev.reg.market.functions, dev.reg.ledger.functions
    now = dev.now()
    dev.send(a.agency, mkt.setComplianceYear(2026, (2020, 2026, 1000, now + 400 * DAY)))
    dev.send(a.agency, mkt.setMethodologyEligibility(2026, pv_methodology, True))
    dev.send(a.agency, mkt.setCoveredEntity(2026, a.proponent.address, 100 * TONNE))  # cap 10 t
    receipt = dev.send(a.proponent, mkt.useForCompliance(2026, pv_batch, 4 * TONNE))
    confirmed = dev.reg.events(receipt, dev.reg.market, "ComplianceUseRequested")[0]["args"]
    dev.send(a.agency, mkt.confirmComplianceUse(confirmed["useId"], keccak(text="HBEA-2026-7")))
    receipt = dev.send(a.proponent, mkt.useForCompliance(2026, pv_batch, 3 * TONNE))
    released = dev.reg.events(receipt, dev.reg.market, "ComplianceUseRequested")[0]["args"]
    dev.send(a.agency, mkt.releaseComplianceUse(released["useId"], "withdrawn by the entity"))

    # A partner platform's credits for the PV project's next hours, in two attested imports.
    last = dev.reg.registry.functions.getProject(pv_project).call()[4]
    imports = []
    for k, (start, end) in enumerate([(1, 5_000_001), (5_000_001, 8_000_001)]):
        payload = ImportPayload(
            partner=a.partner.address,
            origin_serial_start=start,
            origin_serial_end=end,
            project_id=pv_project,
            period_start=last + k * 3600,
            period_end=last + (k + 1) * 3600,
            vintage=2025,
            recipient=a.enterprise.address,
            evidence_hash=keccak(text=f"partner-cancellation-{k}"),
            deadline=dev.now() + DAY,
        )
        imports.append(dev.import_credits(payload))

    # A citizen redeems points; a month later the points expire and the issuer sweeps them.
    citizen = a.citizens[1]
    dev.send(citizen, mkt.redeemPoints(gt_batch, 500, keccak(text="coupon-1")))
    dev.advance_time(POINT_VALIDITY + 1)
    holders = [a.citizens[0].address, citizen.address, a.aggregator.address]
    dev.send(a.agency, led.cancelExpired(gt_batch, holders))
    return {
        "confirmed_use": int(confirmed["useId"]),
        "released_use": int(released["useId"]),
        "import_batch_1": imports[0],
        "import_batch_2": imports[1],
    }
