"""`dev-chain` as a subprocess: what it prints, the manifest it writes, state reuse and Ctrl-C."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

from eth_account import Account
from web3 import Web3

from carbon_chain.anvil import free_port
from carbon_chain.chain import Registry
from carbon_chain.domain import REGISTRAR_ROLE
from carbon_chain.manifest import Deployment

ROOT = Path(__file__).resolve().parent.parent
ANVIL_KEY_0 = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"


def _command(port: int, manifest: Path, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "carbon_chain.devchain_cli",
        "--port",
        str(port),
        "--manifest",
        str(manifest),
        *extra,
    ]


def _run(port: int, manifest: Path, *extra: str) -> str:
    done = subprocess.run(
        _command(port, manifest, "--exit", *extra),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _field(out: str, name: str) -> str:
    match = re.search(rf"^{name}\s+(\S+)", out, re.MULTILINE)
    assert match, f"{name} missing from:\n{out}"
    return match.group(1)


def test_prints_the_chain_and_writes_the_manifest(tmp_path: Path) -> None:
    port, manifest = free_port(), tmp_path / "dev" / "deployment.json"
    out = _run(port, manifest)
    deployment = Deployment.load(manifest)
    assert _field(out, "RPC URL") == f"http://127.0.0.1:{port}"
    assert _field(out, "Chain id") == str(deployment.chain_id) == "31337"
    assert _field(out, "Registry") == deployment.registry
    assert _field(out, "Ledger") == deployment.ledger
    actors = dict(
        (m.group(1), (m.group(2), m.group(3)))
        for m in re.finditer(
            r"^  (\w+(?: \d)?)\s+(0x[0-9a-fA-F]{40})  (0x[0-9a-f]{64})$", out, re.M
        )
    )
    assert {"agency", "oracle", "verifier 1", "aggregator", "citizen 4", "spare"} <= set(actors)
    assert actors["agency"][1] == ANVIL_KEY_0
    for address, key in actors.values():
        assert Account.from_key(key).address == address
    # --exit stopped anvil.
    assert not Web3(Web3.HTTPProvider(f"http://127.0.0.1:{port}")).is_connected()


def test_state_file_keeps_the_deployment(tmp_path: Path) -> None:
    manifest, state = tmp_path / "deployment.json", tmp_path / "anvil-state.json"
    first = _run(free_port(), manifest, "--state", str(state))
    assert state.exists() and "(reused)" not in first
    second = _run(free_port(), manifest, "--state", str(state))
    assert "(reused)" in second
    assert _field(second, "Registry") == _field(first, "Registry")
    assert Deployment.load(manifest).registry == _field(first, "Registry")


def test_serves_the_seeded_registry_until_ctrl_c(tmp_path: Path) -> None:
    port, manifest = free_port(), tmp_path / "deployment.json"
    proc = subprocess.Popen(_command(port, manifest), cwd=ROOT, stdout=subprocess.PIPE, text=True)
    watchdog = threading.Timer(180, proc.kill)  # a hung deployment fails the test, not the run
    watchdog.start()
    try:
        assert proc.stdout is not None
        out = ""
        while not out.endswith("Serving; press Ctrl-C to stop.\n"):
            line = proc.stdout.readline()
            assert line, f"dev-chain exited before serving:\n{out}"
            out += line
        w3 = Web3(Web3.HTTPProvider(_field(out, "RPC URL")))
        deployment = Deployment.load(manifest)
        bound = Registry.of(w3, deployment)
        agency = _field(out, "  agency")
        assert bound.registry.functions.hasRole(REGISTRAR_ROLE, agency).call()
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 0
        assert not w3.is_connected()
    finally:
        watchdog.cancel()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
