"""The whole credit lifecycle through web3.py against a real anvil (credit-lifecycle issue):
register → report → issue → claim → transfer → retire for an event → cancel."""

from __future__ import annotations

import pytest
from eth_utils.crypto import keccak

from carbon_chain.chain import ChainRevert
from carbon_chain.devchain import DevRegistry
from carbon_chain.domain import CancellationKind, MethodologyKind, RetirementPurpose
from carbon_chain.merkle import AllocationTree

DAY = 24 * 3600
TONNE = 1_000_000


def _supply_holds(dev: DevRegistry, batch_id: int, holders: list[str]) -> None:
    """Invariant 1: issued = Σ balances (incl. custody) + retired + cancelled + unclaimed."""
    led = dev.reg.ledger.functions
    batch = led.getBatch(batch_id).call()
    retired, cancelled, _claimed, _locked = led.getBatchSupply(batch_id).call()
    everyone = [*holders, dev.deployment.ledger]
    held = sum(led.balanceOf(h, batch_id).call() for h in everyone)
    assert batch[6] == held + retired + cancelled + led.unclaimedOf(batch_id).call()


def test_python_merkle_tree_is_what_the_contract_accepts(dev: DevRegistry) -> None:
    citizens = dev.actors.citizens
    allocations = [(c.address, (i + 1) * 1_234_567) for i, c in enumerate(citizens)]
    # Padding leaves make the tree deeper than the claimants alone would.
    allocations += [(f"0x{i:040x}", 1000 + i) for i in range(1, 60)]
    tree = AllocationTree(allocations)
    total = sum(a for _, a in allocations)
    mid = dev.register_methodology("WHCI-CY-001", kind=MethodologyKind.PERSONAL_SCENARIO)
    pid = dev.register_project(mid, dev.actors.aggregator.address)
    rid = dev.report_last_month(pid, "WHCI-CY-001", total, tree.root)
    led = dev.reg.ledger.functions
    receipt = dev.send(
        dev.actors.agency, led.issueDistribution(rid, total, 2026, 0, tree.root, 30 * DAY)
    )
    (issued,) = dev.reg.events(receipt, dev.reg.ledger, "BatchIssued")
    batch_id = issued["args"]["batchId"]
    for citizen, amount in allocations[: len(citizens)]:
        proof = tree.proof(citizen)
        assert AllocationTree.verify(tree.root, citizen, amount, proof)
        # Anyone may relay a claim: the agency pays the gas, the citizen receives the points.
        dev.send(dev.actors.agency, led.claim(batch_id, citizen, amount, proof))
        assert led.balanceOf(citizen, batch_id).call() == amount
        assert led.hasClaimed(batch_id, citizen).call()
    with pytest.raises(ChainRevert) as err:
        first, amount = allocations[0]
        dev.send(dev.actors.agency, led.claim(batch_id, first, amount, tree.proof(first)))
    assert err.value.error == "LedgerAlreadyClaimed"
    with pytest.raises(ChainRevert) as err:
        second = allocations[-1][0]  # not yet claimed; wrong amount
        dev.send(dev.actors.agency, led.claim(batch_id, second, 1, tree.proof(second)))
    assert err.value.error == "LedgerInvalidProof"
    _supply_holds(dev, batch_id, [c.address for c in citizens])


def test_whole_lifecycle(dev: DevRegistry) -> None:
    a, led, reg = dev.actors, dev.reg.ledger.functions, dev.reg.registry.functions
    mid = dev.register_methodology("WHCI-PV-001", sector="energy")
    pid = dev.register_project(mid, a.proponent.address, region=422800)
    rid = dev.report_last_month(pid, "WHCI-PV-001", 100 * TONNE, keccak(text="pv-root"))

    # Issue 60 t now (10 % buffer), then try to exceed the verified 100 t cumulatively.
    receipt = dev.send(a.agency, led.issueToProponent(rid, 60 * TONNE, 2026, 1000))
    (ev,) = dev.reg.events(receipt, dev.reg.ledger, "BatchIssued")
    batch_id = ev["args"]["batchId"]
    batch = ev["args"]["batch"]
    assert ev["args"]["recipient"] == a.proponent.address
    assert batch["serialStart"] == 1 and batch["quantity"] == 60 * TONNE
    assert led.balanceOf(a.proponent.address, batch_id).call() == 54 * TONNE
    assert led.balanceOf(a.buffer.address, batch_id).call() == 6 * TONNE
    with pytest.raises(ChainRevert) as err:
        dev.send(a.agency, led.issueToProponent(rid, 41 * TONNE, 2026, 0))
    assert (err.value.error, err.value.args_) == (
        "LedgerExceedsVerified",
        (rid, 41 * TONNE, 40 * TONNE),
    )
    assert led.nextSerial().call() == 60 * TONNE + 1

    # Transfer to the organiser, who registers a conference and retires against it.
    dev.send(
        a.proponent,
        led.safeTransferFrom(a.proponent.address, a.organiser.address, batch_id, 30 * TONNE, b""),
    )
    now = dev.now()
    receipt = dev.send(
        a.organiser,
        reg.registerEvent(
            "Wuhan Low-Carbon Expo", 420106, now, now + 3 * DAY, 25 * TONNE, keccak(text="fp")
        ),
    )
    (registered,) = dev.reg.events(receipt, dev.reg.registry, "CarbonEventRegistered")
    event_id = registered["args"]["eventId"]
    receipt = dev.send(a.organiser, led.retireForEvent(event_id, batch_id, 20 * TONNE))
    (retired,) = dev.reg.events(receipt, dev.reg.ledger, "CreditsRetired")
    first_cert = retired["args"]["certificateId"]
    assert first_cert == 1  # the first serial of the batch
    receipt = dev.send(a.organiser, led.retireForEvent(event_id, batch_id, 5 * TONNE))
    (neutral,) = dev.reg.events(receipt, dev.reg.registry, "CarbonEventNeutralised")
    assert neutral["args"]["retired"] == 25 * TONNE
    assert reg.getEvent(event_id).call()[2] is True
    certs = reg.eventRetirements(event_id).call()
    assert certs == [1, 1 + 20 * TONNE]
    record = led.getRetirement(certs[1]).call()
    assert record[0] == a.organiser.address and record[1] == 5 * TONNE
    assert record[2] == RetirementPurpose.EVENT_NEUTRALITY and record[3] == 420106
    assert record[4] == a.organiser.address and record[5] == batch_id
    assert record[7] == event_id.to_bytes(32, "big")

    # Retire on behalf of another beneficiary (voluntary), then cancel an invalid part.
    dev.send(
        a.proponent,
        led.retire(
            batch_id,
            2 * TONNE,
            a.enterprise.address,
            int(RetirementPurpose.VOLUNTARY),
            b"\x01" * 32,
            420100,
        ),
    )
    receipt = dev.send(
        a.agency,
        led.cancelCredits(
            batch_id,
            a.proponent.address,
            1 * TONNE,
            int(CancellationKind.INVALIDATION),
            b"\x02" * 32,
            "meter fault",
        ),
    )
    (cancelled,) = dev.reg.events(receipt, dev.reg.ledger, "CreditsCancelled")
    assert cancelled["args"]["cancellationId"] == 1 + 27 * TONNE  # after 27 t retired
    assert cancelled["args"]["reason"] == "meter fault"

    # Export: lock, then the agency confirms with the market's reference.
    receipt = dev.send(
        a.proponent, led.lockForExport(batch_id, 3 * TONNE, keccak(text="hubei-market"))
    )
    (locked,) = dev.reg.events(receipt, dev.reg.ledger, "CreditsLocked")
    assert led.balanceOf(dev.deployment.ledger, batch_id).call() == 3 * TONNE
    dev.send(a.agency, led.confirmExport(locked["args"]["lockId"], keccak(text="HBEA-2026-0001")))
    retired_total, cancelled_total, _, locked_total = led.getBatchSupply(batch_id).call()
    assert (retired_total, cancelled_total, locked_total) == (27 * TONNE, 4 * TONNE, 0)
    _supply_holds(dev, batch_id, [a.proponent.address, a.organiser.address, a.buffer.address])
    assert led.issuedForReport(rid).call() == 60 * TONNE

    # A frozen holder cannot move credits; retired credits are gone from every balance.
    dev.send(a.agency, led.setAccountStatus(a.organiser.address, 2, "investigation"))
    with pytest.raises(ChainRevert) as err:
        dev.send(
            a.organiser,
            led.safeTransferFrom(a.organiser.address, a.proponent.address, batch_id, 1, b""),
        )
    assert (err.value.error, err.value.args_) == (
        "LedgerAccountNotActive",
        (a.organiser.address, 2),
    )
    assert led.balanceOf(a.organiser.address, batch_id).call() == 5 * TONNE


def test_unclaimed_remainder_is_cancelled_after_the_window(dev: DevRegistry) -> None:
    citizen = dev.actors.citizens[0]
    tree = AllocationTree([(citizen.address, 700), (dev.actors.citizens[1].address, 300)])
    mid = dev.register_methodology(
        "WHCI-GT-001", kind=MethodologyKind.PERSONAL_SCENARIO, point_validity=365 * DAY
    )
    pid = dev.register_project(mid, dev.actors.aggregator.address)
    rid = dev.report_last_month(pid, "WHCI-GT-001", 1000, tree.root)
    led = dev.reg.ledger.functions
    receipt = dev.send(
        dev.actors.agency, led.issueDistribution(rid, 1000, 2026, 0, tree.root, 7 * DAY)
    )
    batch_id = dev.reg.events(receipt, dev.reg.ledger, "BatchIssued")[0]["args"]["batchId"]
    dev.send(citizen, led.claim(batch_id, citizen.address, 700, tree.proof(citizen.address)))
    # Points move only to the platform aggregator.
    with pytest.raises(ChainRevert) as err:
        dev.send(
            citizen,
            led.safeTransferFrom(citizen.address, dev.actors.enterprise.address, batch_id, 1, b""),
        )
    assert err.value.error == "LedgerPointsTransferRestricted"
    dev.send(
        citizen,
        led.safeTransferFrom(citizen.address, dev.actors.aggregator.address, batch_id, 100, b""),
    )
    with pytest.raises(ChainRevert) as err:
        dev.send(dev.actors.agency, led.cancelUnclaimed(batch_id, "claim window over"))
    assert err.value.error == "LedgerClaimWindowOpen"
    dev.advance_time(7 * DAY + 1)
    receipt = dev.send(dev.actors.agency, led.cancelUnclaimed(batch_id, "claim window over"))
    (ev,) = dev.reg.events(receipt, dev.reg.ledger, "CreditsCancelled")
    assert ev["args"]["amount"] == 300 and ev["args"]["kind"] == CancellationKind.UNCLAIMED
    assert led.unclaimedOf(batch_id).call() == 0
    _supply_holds(dev, batch_id, [citizen.address, dev.actors.aggregator.address])
