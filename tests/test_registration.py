"""Registration and verification through web3.py against a real anvil (foundation issue)."""

from __future__ import annotations

import pytest
from eth_account.messages import encode_typed_data
from eth_utils.crypto import keccak

from carbon_chain.build import compiler_version
from carbon_chain.chain import ChainRevert
from carbon_chain.devchain import DevRegistry
from carbon_chain.domain import MethodologyStatus, ProjectStatus, ReportStatus
from carbon_chain.eip712 import ReportPayload, report_digest, report_typed_data

DAY = 24 * 3600


def _payload(
    dev: DevRegistry, project_id: int, start: int, end: int, qty: int = 5_000_000
) -> ReportPayload:
    return ReportPayload(
        project_id=project_id,
        period_start=start,
        period_end=end,
        quantity=qty,
        data_root=keccak(text=f"root{start}"),
        evidence_hash=keccak(text=f"evidence{start}"),
        methodology_code="WHCI-GT-001",
        methodology_version=1,
        deadline=dev.now() + DAY,
    )


@pytest.fixture
def project(dev: DevRegistry) -> int:
    mid = dev.register_methodology("WHCI-GT-001")
    return dev.register_project(mid, dev.actors.proponent.address)


def test_manifest_records_chain_compiler_and_abis(dev: DevRegistry) -> None:
    m = dev.deployment
    assert m.chain_id == 31337
    assert m.compiler == compiler_version() and m.compiler.startswith("0.8.30")
    assert set(m.abi_hashes) == {"CarbonRegistry", "CarbonLedger", "CarbonMarket"}
    assert dev.reg.registry.functions.ledger().call() == m.ledger
    assert dev.reg.ledger.functions.registry().call() == m.registry
    assert dev.reg.ledger.functions.market().call() == m.market
    assert dev.reg.market.functions.registry().call() == m.registry
    assert dev.reg.market.functions.ledger().call() == m.ledger


def test_methodology_and_project_storage_and_events(dev: DevRegistry) -> None:
    mid = dev.register_methodology("WHCI-PV-001", sector="energy")
    m = dev.reg.registry.functions.getMethodology(mid).call()
    assert (m[0], m[1], m[3], m[5]) == ("WHCI-PV-001", 1, MethodologyStatus.ACTIVE, "energy")
    pid = dev.propose_project(mid, dev.actors.proponent.address, 422800)
    p = dev.reg.registry.functions.getProject(pid).call()
    assert (
        p[1] == ProjectStatus.PROPOSED and p[2] == 422800 and p[5] == dev.actors.proponent.address
    )
    with pytest.raises(ChainRevert) as err:
        dev.send(dev.actors.agency, dev.reg.registry.functions.registerProject(pid))
    assert err.value.error == "RegistryNoticePeriodActive"
    assert err.value.args_ == (pid, p[3])
    dev.advance_time(7 * DAY + 1)
    receipt = dev.send(dev.actors.agency, dev.reg.registry.functions.registerProject(pid))
    (ev,) = dev.reg.events(receipt, dev.reg.registry, "ProjectStatusChanged")
    assert (ev["args"]["previous"], ev["args"]["status"]) == (
        ProjectStatus.PROPOSED,
        ProjectStatus.REGISTERED,
    )


def test_python_eip712_digest_equals_contract(dev: DevRegistry, project: int) -> None:
    payload = _payload(dev, project, dev.now() - 30 * DAY, dev.now() - DAY)
    on_chain = dev.reg.registry.functions.reportDigest(payload.as_tuple()).call()
    ours = report_digest(dev.domain, payload)
    signable = encode_typed_data(full_message=report_typed_data(dev.domain, payload))
    via_eth_account = keccak(b"\x19" + signable.version + signable.header + signable.body)
    assert on_chain == ours == via_eth_account


def test_submit_report_with_k_of_n_signatures(dev: DevRegistry, project: int) -> None:
    payload = _payload(dev, project, dev.now() - 30 * DAY, dev.now() - DAY)
    signatures = dev.sign_report(payload, dev.actors.verifiers[:2])
    receipt = dev.send(
        dev.actors.oracle, dev.reg.registry.functions.submitReport(payload.as_tuple(), signatures)
    )
    (ev,) = dev.reg.events(receipt, dev.reg.registry, "ReportVerified")
    report_id = ev["args"]["reportId"]
    assert ev["args"]["digest"] == report_digest(dev.domain, payload)
    assert ev["args"]["signers"] == [v.address for v in dev.actors.verifiers[:2]]
    stored = dev.reg.registry.functions.getReport(report_id).call()
    assert (
        stored[0] == project
        and stored[4] == ReportStatus.VERIFIED
        and stored[5] == payload.quantity
    )
    assert stored[7] == payload.data_root and stored[8] == payload.evidence_hash
    assert dev.reg.registry.functions.reportIdOf(ev["args"]["digest"]).call() == report_id
    assert dev.reg.registry.functions.getProject(project).call()[4] == payload.period_end

    # The same signed payload again is a replay; a re-keyed overlapping period is refused too.
    with pytest.raises(ChainRevert) as err:
        dev.send(
            dev.actors.oracle,
            dev.reg.registry.functions.submitReport(payload.as_tuple(), signatures),
        )
    assert err.value.error == "ReportReplayed"
    overlapping = _payload(dev, project, payload.period_end - DAY, payload.period_end, qty=1)
    with pytest.raises(ChainRevert) as err:
        dev.submit_report(overlapping)
    assert err.value.error == "ReportPeriodOverlap"
    assert err.value.args_ == (project, overlapping.period_start, payload.period_end)


def test_report_refused_without_enough_active_verifiers(dev: DevRegistry, project: int) -> None:
    payload = _payload(dev, project, dev.now() - 30 * DAY, dev.now() - DAY)
    with pytest.raises(ChainRevert) as err:
        dev.submit_report(payload, dev.actors.verifiers[:1])
    assert (err.value.error, err.value.args_) == ("ReportInsufficientSignatures", (1, 2))
    outsider = dev.actors.enterprise
    with pytest.raises(ChainRevert) as err:
        dev.submit_report(payload, [dev.actors.verifiers[0], outsider])
    assert (err.value.error, err.value.args_) == ("ReportSignerNotVerifier", (outsider.address,))
    # A verifier whose account is frozen after signing no longer counts.
    signatures = dev.sign_report(payload, dev.actors.verifiers[:2])
    dev.send(
        dev.actors.agency,
        dev.reg.ledger.functions.setAccountStatus(
            dev.actors.verifiers[0].address, 2, "key compromised"
        ),
    )
    with pytest.raises(ChainRevert) as err:
        dev.send(
            dev.actors.oracle,
            dev.reg.registry.functions.submitReport(payload.as_tuple(), signatures),
        )
    assert (err.value.error, err.value.args_) == (
        "ReportSignerNotVerifier",
        (dev.actors.verifiers[0].address,),
    )


def test_only_the_oracle_submits(dev: DevRegistry, project: int) -> None:
    payload = _payload(dev, project, dev.now() - 30 * DAY, dev.now() - DAY)
    signatures = dev.sign_report(payload, dev.actors.verifiers[:2])
    with pytest.raises(ChainRevert) as err:
        dev.send(
            dev.actors.proponent,
            dev.reg.registry.functions.submitReport(payload.as_tuple(), signatures),
        )
    assert err.value.error == "AccessControlUnauthorizedAccount"
