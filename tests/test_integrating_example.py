"""The example test of docs/integrating.md, as a bike-share app would write it (keep them equal)."""

from pathlib import Path

from carbon_chain.devchain import DevRegistry
from carbon_chain.domain import MethodologyKind
from carbon_chain.merkle import AllocationTree
from carbon_chain.pytest_plugin import RegistryAccounts

DAY = 24 * 3600


def test_rider_claims_cycling_points(
    registry: DevRegistry, registry_accounts: RegistryAccounts
) -> None:
    rider, grams = registry_accounts.individuals[0], 1_850  # CO2e of a month of rides
    tree = AllocationTree([(rider.address, grams)])
    mid = registry.register_methodology("WHCI-CY-001", kind=MethodologyKind.PERSONAL_SCENARIO)
    pid = registry.register_project(mid, registry.actors.aggregator.address)
    rid = registry.report_last_month(pid, "WHCI-CY-001", grams, tree.root)
    led = registry.reg.ledger.functions
    issue = led.issueDistribution(rid, grams, 2026, 0, tree.root, 30 * DAY)
    receipt = registry.send(registry.actors.agency, issue)
    batch = registry.reg.events(receipt, registry.reg.ledger, "BatchIssued")[0]["args"]["batchId"]
    registry.send(rider.signer, led.claim(batch, rider.address, grams, tree.proof(rider.address)))
    assert led.balanceOf(rider.address, batch).call() == grams


# -- end of the docs example --


def test_docs_show_this_example() -> None:
    source = Path(__file__).read_text()
    example = source[source.index("from carbon_chain.devchain") : source.index("\n\n\n# -- end")]
    docs = (Path(__file__).resolve().parent.parent / "docs" / "integrating.md").read_text()
    assert f"```python\n{example}\n```" in docs
