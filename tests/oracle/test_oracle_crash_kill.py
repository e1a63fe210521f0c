"""Real crashes: ``oracle run`` is SIGKILLed at each point of the pipeline, then rerun.

The console script runs as a subprocess against the dev chain; ``ORACLE_TEST_KILL_AT`` makes it
kill itself with SIGKILL (no handler, no ``finally``) mid-ingest, after publishing, after the
verifiers signed, after the transaction hash was stored but before broadcast, and right after
broadcast. Each rerun resumes from whatever the dead process left; the last one completes.
In the end there is exactly one report on chain and its evidence hash is the one first
published.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from eth_account import Account
from oracle_pipeline_support import (
    PASSWORD_ENV,
    SALT,
    VERIFIER_PASSWORD,
    green_travel_scenario,
    setup_oracle,
    trips_csv,
    verifier_key,
)

from carbon_chain.anvil import Anvil
from carbon_chain.devchain import DevRegistry
from carbon_chain.signer import DEV_MNEMONIC
from oracle.crash import KILL_AT_ENV, POINTS

ORACLE = Path(sys.executable).with_name("oracle")
ORACLE_PASSWORD = "oracle-secret"
KILLS = ("ingest-stored", "published", "signed", "tx-recorded", "broadcast")


def _oracle_key(dev: DevRegistry) -> bytes:
    for index in range(20):
        account = Account.from_mnemonic(DEV_MNEMONIC, account_path=f"m/44'/60'/0'/0/{index}")
        if account.address == dev.actors.oracle.address:
            return bytes(account.key)
    raise LookupError(dev.actors.oracle.address)


def _light_keystore(key: bytes, path: Path, password: str) -> Path:
    # A standard keystore with a cheap KDF: every rerun decrypts three of them, and scrypt's
    # production cost would dominate this test's time.
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(Account.encrypt(key, password, kdf="pbkdf2", iterations=2)))
    return path


def _environment(dev: DevRegistry, anvil: Anvil, tmp: Path) -> dict[str, str]:
    manifest = tmp / "deployment.json"
    dev.deployment.save(manifest)
    keystore = tmp / "oracle-keystore.json"
    _light_keystore(_oracle_key(dev), keystore, ORACLE_PASSWORD)
    env = {k: v for k, v in os.environ.items() if not k.startswith("ORACLE_")}
    env.update(
        {
            "ORACLE_DATABASE_URL": f"sqlite:///{tmp / 'oracle.db'}",
            "ORACLE_PUBLISH_DIR": str(tmp / "published"),
            "ORACLE_SIGNATURES_DIR": str(tmp / "signatures"),
            "ORACLE_INPUTS_DIR": str(tmp / "inputs"),
            "ORACLE_PSEUDONYM_SALT": SALT,
            "ORACLE_RPC_URL": anvil.url,
            "ORACLE_MANIFEST": str(manifest),
            "ORACLE_KEYSTORE": str(keystore),
            "ORACLE_KEYSTORE_PASSWORD": ORACLE_PASSWORD,
            "ORACLE_RPC_RETRIES": "2",
            "ORACLE_RPC_BACKOFF_SECONDS": "0.05",
            PASSWORD_ENV: VERIFIER_PASSWORD,
        }
    )
    return env


def test_sigkill_at_each_step_then_rerun_gives_one_report(
    dev: DevRegistry, anvil: Anvil, tmp_path: Path
) -> None:
    scenario = green_travel_scenario(dev, participants=25, register=False)
    setup_oracle(dev, tmp_path, scenario).store.dispose()
    trips = tmp_path / "trips.csv"
    trips.write_bytes(trips_csv(scenario, 400, seed=11))
    keystores = [
        _light_keystore(
            verifier_key(dev, index), tmp_path / f"verifier-{index}.json", VERIFIER_PASSWORD
        )
        for index in range(2)
    ]
    env = _environment(dev, anvil, tmp_path)
    command = [
        str(ORACLE), "run", "--project", str(scenario.project_id),
        "--start", str(scenario.start), "--end", str(scenario.end),
        "--feed", "metro", "--password-env", PASSWORD_ENV,
        *(arg for path in keystores for arg in ("--sign-with", str(path))),
        str(trips),
    ]  # fmt: skip
    registry = dev.reg.registry.functions
    reports_before = registry.reportCount().call()
    published: set[str] = set()

    def oracle(kill_at: str | None = None) -> subprocess.CompletedProcess[str]:
        run_env = dict(env, **({KILL_AT_ENV: kill_at} if kill_at else {}))
        return subprocess.run(
            command, cwd=tmp_path, env=run_env, capture_output=True, text=True, timeout=120
        )

    assert [point for point in POINTS if point in KILLS] == list(KILLS)  # pipeline order
    for point in KILLS:
        died = oracle(point)
        assert died.returncode == -signal.SIGKILL, (point, died.returncode, died.stderr[-2000:])
        with sqlite3.connect(tmp_path / "oracle.db") as db:  # what the dead process committed
            (evidence,) = db.execute("SELECT evidence_hash FROM runs").fetchone()
        if evidence is not None:
            published.add(evidence)
        # Not yet on chain, except that a broadcast transaction mines at once on anvil.
        expected = reports_before + (1 if point == "broadcast" else 0)
        assert registry.reportCount().call() == expected, point

    done = oracle()
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout)
    again = oracle()  # a rerun of a finished run changes nothing
    assert again.returncode == 0 and json.loads(again.stdout)["report_id"] == result["report_id"]

    assert registry.reportCount().call() == reports_before + 1
    report = registry.getReport(result["report_id"]).call()
    status = result["status"]
    assert status["status"] == "submitted"
    assert status["accepted"] + status["quarantined"] == 400
    assert published == {status["evidence_hash"]}
    evidence_hex = status["evidence_hash"].removeprefix("0x")
    # Report: projectId, periodStart, periodEnd, submittedAt, status, quantity, methodologyId,
    # dataRoot, evidenceHash.
    assert report[0] == scenario.project_id and report[5] == status["quantity_grams"]
    assert "0x" + bytes(report[7]).hex() == status["data_root"]
    assert bytes(report[8]).hex() == evidence_hex
    assert (tmp_path / "published" / evidence_hex / "dataset.json").exists()
