"""A crash between or inside any step, then a rerun, leaves exactly one report on chain."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from oracle_pipeline_support import (
    Scenario,
    green_travel_scenario,
    make_oracle,
    setup_oracle,
    signer_of,
    trips_csv,
    write_verifier_keystores,
)
from web3.eth import Eth

from carbon_chain.devchain import DevRegistry
from oracle import service as service_module
from oracle import submit as submit_module
from oracle.attest import load_request, sign_request
from oracle.errors import SubmissionError
from oracle.models import RunStatus
from oracle.service import Oracle
from oracle.submit import ChainGateway


class Crash(RuntimeError):
    """Stands for the process dying at that point."""


@pytest.fixture(scope="module")
def keystores(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("keystores")


def _prepare(dev: DevRegistry, tmp: Path) -> tuple[Scenario, Path]:
    scenario = green_travel_scenario(dev, participants=30, register=False)
    setup_oracle(dev, tmp, scenario).store.dispose()
    path = tmp / "trips.csv"
    path.write_bytes(trips_csv(scenario, 300, seed=7))
    return scenario, path


def _sign(oracle: Oracle, run_id: int, keystores: list[Path]) -> None:
    path = oracle.request_path(run_id)
    for keystore in keystores[:2]:
        sign_request(load_request(path), signer_of(keystore), path.parent)


def _fresh(dev: DevRegistry, tmp: Path) -> Oracle:
    return make_oracle(dev, tmp)


def test_each_step_in_a_fresh_process_resumes(
    dev: DevRegistry, tmp_path: Path, keystores: Path
) -> None:
    scenario, path = _prepare(dev, tmp_path)
    keys = write_verifier_keystores(dev, keystores)
    steps: list[Callable[[Oracle, int], Any]] = [
        lambda o, r: o.ingest_file(r, "metro", path),
        lambda o, r: o.compute(r),
        lambda o, r: o.publish(r),
        lambda o, r: _sign(o, r, keys),
        lambda o, r: o.collect_signatures(r),
        lambda o, r: o.submit(r),
    ]
    run_id = _fresh(dev, tmp_path).open_run(scenario.project_id, scenario.start, scenario.end)
    for index, step in enumerate(steps):
        # Each step runs twice in new service objects: as if killed right after it, then rerun.
        for _ in range(2):
            oracle = _fresh(dev, tmp_path)
            step(oracle, run_id)
            oracle.store.dispose()
        # ... and every earlier step, replayed after it, is a no-op.
        for earlier in steps[: index + 1]:
            if earlier is not steps[3]:
                oracle = _fresh(dev, tmp_path)
                earlier(oracle, run_id)
                oracle.store.dispose()
    final = _fresh(dev, tmp_path).status(run_id)
    assert final["status"] == RunStatus.SUBMITTED
    assert dev.reg.registry.functions.reportCount().call() == 1


def _crash_once(monkeypatch: pytest.MonkeyPatch, target: Any, name: str, after: bool) -> None:
    original = getattr(target, name)
    fired = {"done": False}

    def crashing(*args: Any, **kwargs: Any) -> Any:
        if fired["done"]:
            return original(*args, **kwargs)
        fired["done"] = True
        if after:
            original(*args, **kwargs)
        raise Crash(f"killed {'after' if after else 'before'} {name}")

    monkeypatch.setattr(target, name, crashing)


CRASH_POINTS = [
    ("compute: before commit", service_module, "build_tree", True),
    ("publish: files written, state not", service_module, "write_request", True),
    ("publish: before any file", service_module, "write_evidence", False),
    ("submit: tx hash recorded, never broadcast", Eth, "send_raw_transaction", False),
    ("submit: tx mined, receipt never seen", submit_module, "_await_known", False),
]


@pytest.mark.parametrize(
    ("label", "target", "name", "after"), CRASH_POINTS, ids=[c[0] for c in CRASH_POINTS]
)
def test_a_crash_inside_a_step_resumes_to_one_report(
    dev: DevRegistry,
    tmp_path: Path,
    keystores: Path,
    monkeypatch: pytest.MonkeyPatch,
    label: str,
    target: Any,
    name: str,
    after: bool,
) -> None:
    scenario, path = _prepare(dev, tmp_path)
    keys = write_verifier_keystores(dev, keystores)
    _crash_once(monkeypatch, target, name, after)
    oracle = _fresh(dev, tmp_path)
    run_id = oracle.open_run(scenario.project_id, scenario.start, scenario.end)
    oracle.ingest_file(run_id, "metro", path)
    crashed = False
    for step in ("compute", "publish", "sign", "submit"):
        while True:
            try:
                if step == "sign":
                    _sign(oracle, run_id, keys)
                else:
                    getattr(oracle, step)(run_id)
                break
            except Crash:
                crashed = True
                oracle.store.dispose()
                oracle = _fresh(dev, tmp_path)
    assert crashed, label
    assert oracle.status(run_id)["status"] == RunStatus.SUBMITTED
    assert dev.reg.registry.functions.reportCount().call() == 1


def test_a_mined_tx_forgotten_by_the_store_is_found_not_resent(
    dev: DevRegistry, tmp_path: Path, keystores: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scenario, path = _prepare(dev, tmp_path)
    keys = write_verifier_keystores(dev, keystores)
    oracle = _fresh(dev, tmp_path)
    run_id = oracle.open_run(scenario.project_id, scenario.start, scenario.end)
    oracle.ingest_file(run_id, "metro", path)
    oracle.compute(run_id)
    oracle.publish(run_id)
    _sign(oracle, run_id, keys)
    report_id = oracle.submit(run_id)
    # The store is restored to before the submission (lost write, restored backup...).
    with oracle.store.session() as session:
        run = session.get(service_module.Run, run_id)
        assert run is not None
        run.status, run.report_id, run.tx_hash = RunStatus.SIGNED, None, None
    assert _fresh(dev, tmp_path).submit(run_id) == report_id
    # Even if the pre-send lookup misses it, the contract's ReportReplayed is a lookup.
    with oracle.store.session() as session:
        run = session.get(service_module.Run, run_id)
        assert run is not None
        run.status, run.report_id, run.tx_hash = RunStatus.SIGNED, None, None
    calls = {"n": 0}
    original = ChainGateway.report_id_of

    def blind_first(self: ChainGateway, digest: bytes) -> int:
        calls["n"] += 1
        return 0 if calls["n"] == 1 else original(self, digest)

    monkeypatch.setattr(ChainGateway, "report_id_of", blind_first)
    assert _fresh(dev, tmp_path).submit(run_id) == report_id
    assert dev.reg.registry.functions.reportCount().call() == 1


def test_a_revert_is_reported_with_its_decoded_error(
    dev: DevRegistry, tmp_path: Path, keystores: Path
) -> None:
    scenario, path = _prepare(dev, tmp_path)
    keys = write_verifier_keystores(dev, keystores)
    oracle = _fresh(dev, tmp_path)
    run_id = oracle.open_run(scenario.project_id, scenario.start, scenario.end)
    oracle.ingest_file(run_id, "metro", path)
    oracle.compute(run_id)
    oracle.publish(run_id)
    _sign(oracle, run_id, keys)
    dev.send(
        dev.actors.agency, dev.reg.registry.functions.suspendProject(scenario.project_id, "audit")
    )
    with pytest.raises(SubmissionError) as error:
        oracle.submit(run_id)
    assert error.value.error == "ReportProjectNotRegistered"
