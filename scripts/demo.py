"""`make demo`: start a local anvil, deploy the registry from source and run the credit lifecycle.

Registers methodologies, accounts and projects, submits k-of-n verified reports, issues a PV
project's credits to its owner and green-travel points as a Merkle distribution that citizens
claim, transfers credits to an event organiser, makes a conference carbon-neutral, cancels an
invalid part, and prints each step. The chain keeps serving until Ctrl-C (DEMO_EXIT=1 stops).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from eth_utils.crypto import keccak
from web3 import Web3

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from carbon_chain.anvil import Anvil  # noqa: E402
from carbon_chain.devchain import DEV_ACCOUNTS, DevRegistry  # noqa: E402
from carbon_chain.domain import CancellationKind, MethodologyKind, RetirementPurpose  # noqa: E402
from carbon_chain.merkle import AllocationTree  # noqa: E402
from carbon_chain.units import format_tonnes  # noqa: E402

DAY = 24 * 3600
TONNE = 1_000_000
DATA = ROOT / "data" / "demo"


def step(text: str) -> None:
    """Print one demo step."""
    print(f"  • {text}", flush=True)


def run(dev: DevRegistry) -> None:
    """Run the lifecycle and print what happened."""
    a, led, reg = dev.actors, dev.reg.ledger.functions, dev.reg.registry.functions
    step(f"registry {dev.deployment.registry}, ledger {dev.deployment.ledger} (k = 2 verifiers)")
    pv = dev.register_methodology("WHCI-PV-001", sector="energy")
    travel = dev.register_methodology(
        "WHCI-GT-001", kind=MethodologyKind.PERSONAL_SCENARIO, point_validity=365 * DAY
    )
    step("methodologies: WHCI-PV-001 (distributed PV), WHCI-GT-001 (green travel, personal)")
    pv_project = dev.register_project(pv, a.proponent.address, region=422800)
    travel_project = dev.register_project(travel, a.aggregator.address, region=420100)
    step(
        f"projects registered after the 7-day notice: PV #{pv_project} in Enshi (422800), "
        f"green travel #{travel_project} in Wuhan (420100)"
    )

    pv_report = dev.report_last_month(pv_project, "WHCI-PV-001", 120 * TONNE, keccak(text="pv"))
    receipt = dev.send(a.agency, led.issueToProponent(pv_report, 120 * TONNE, 2026, 1000))
    pv_batch = dev.reg.events(receipt, dev.reg.ledger, "BatchIssued")[0]["args"]["batchId"]
    step(
        f"report #{pv_report} verified by 2 of 3 verifiers; batch #{pv_batch} issued: "
        f"{format_tonnes(120 * TONNE)} t, 10 % to the buffer"
    )

    allocations = [(c.address, (i + 2) * 150_000) for i, c in enumerate(a.citizens)]
    tree = AllocationTree(allocations)
    total = sum(amount for _, amount in allocations)
    travel_report = dev.report_last_month(travel_project, "WHCI-GT-001", total, tree.root)
    receipt = dev.send(
        a.agency, led.issueDistribution(travel_report, total, 2026, 0, tree.root, 30 * DAY)
    )
    points = dev.reg.events(receipt, dev.reg.ledger, "BatchIssued")[0]["args"]["batchId"]
    for citizen, amount in allocations:
        dev.send(a.agency, led.claim(points, citizen, amount, tree.proof(citizen)))
    step(
        f"batch #{points}: {len(allocations)} citizens claimed {format_tonnes(total)} t "
        f"of green-travel points with Merkle proofs"
    )

    dev.send(
        a.proponent,
        led.safeTransferFrom(a.proponent.address, a.organiser.address, pv_batch, 40 * TONNE, b""),
    )
    now = dev.now()
    receipt = dev.send(
        a.organiser,
        reg.registerEvent(
            "Wuhan Low-Carbon Development Conference",
            420106,
            now,
            now + 2 * DAY,
            35 * TONNE,
            keccak(text="footprint-report"),
        ),
    )
    event_id = dev.reg.events(receipt, dev.reg.registry, "CarbonEventRegistered")[0]["args"][
        "eventId"
    ]
    receipt = dev.send(a.organiser, led.retireForEvent(event_id, pv_batch, 35 * TONNE))
    cert = dev.reg.events(receipt, dev.reg.ledger, "CreditsRetired")[0]["args"]["certificateId"]
    neutral = reg.getEvent(event_id).call()[2]
    step(
        f"conference #{event_id}: 40 t transferred to the organiser, 35 t retired "
        f"(certificate {cert}); carbon-neutral: {neutral}"
    )

    dev.send(
        a.proponent,
        led.retire(
            pv_batch,
            2 * TONNE,
            a.enterprise.address,
            int(RetirementPurpose.VOLUNTARY),
            keccak(text="voluntary"),
            420100,
        ),
    )
    dev.send(
        a.agency,
        led.cancelCredits(
            pv_batch,
            a.proponent.address,
            TONNE,
            int(CancellationKind.INVALIDATION),
            keccak(text="audit-2026-01"),
            "meter reading corrected",
        ),
    )
    retired, cancelled, _, _ = led.getBatchSupply(pv_batch).call()
    step(
        f"batch #{pv_batch}: retired {format_tonnes(retired)} t, cancelled "
        f"{format_tonnes(cancelled)} t, next serial {led.nextSerial().call()}"
    )


def main() -> int:
    """Start anvil with its state in data/demo, deploy, run the lifecycle, keep serving."""
    DATA.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    print("Wuhan carbon-inclusive registry — demo", flush=True)
    with Anvil(
        port=8545, log_path=DATA / "anvil.log", extra_args=["--accounts", str(DEV_ACCOUNTS)]
    ) as node:
        w3 = Web3(Web3.HTTPProvider(node.url))
        step(f"anvil on {node.url} (pid {node.pid}); compiling and deploying from source")
        dev = DevRegistry.create(w3)
        dev.deployment.save(DATA / "deployment.json")
        run(dev)
        print(f"done in {time.monotonic() - started:.1f} s; manifest: {DATA / 'deployment.json'}")
        if os.environ.get("DEMO_EXIT"):
            return 0
        print(f"chain serving at {node.url}; Ctrl-C to stop", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            return 0


if __name__ == "__main__":
    raise SystemExit(main())
