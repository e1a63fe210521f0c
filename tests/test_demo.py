"""`make demo`: the Wuhan scenario seeds through the oracle and the node, audits clean, and a
re-run keeps the ledger; its data generator is deterministic; the keystore cost knob works."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

from carbon_chain.anvil import free_port
from carbon_chain.signer import LocalSigner, write_keystore

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import demo_data  # noqa: E402


def _demo(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DEMO_EXIT": "1",
        "DEMO_PORT": str(free_port()),
        "DEMO_NODE_PORT": str(free_port()),
        "DEMO_DATA": str(data),
        "DEMO_CITIZENS": "500",
        "DEMO_CLAIMS": "20",
    }
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "demo.py"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


def test_demo_seeds_the_scenario_audits_clean_and_keeps_the_ledger(tmp_path: Path) -> None:
    data = tmp_path / "demo"
    done = _demo(data)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    out = done.stdout
    assert "carbon-neutral: True" in out
    assert "20 citizens claimed" in out
    assert "of 500 pseudonymous citizens" in out
    assert out.count("PROPOSED, in its notice period") == 3
    assert out.count("REGISTERED") == 6
    assert "paired-assistance (对口帮扶) batches first, 50.00 %" in out
    assert "5 t more is refused on-chain: MarketCapExceeded(" in out
    assert "export file for the market:" in out and "(1 row)" in out
    assert "refused: MarketOriginSerialsOverlap(" in out
    assert "a citizen redeemed" in out and "ecological-damage compensation: 2 t" in out
    export = (data / "compliance").glob("hubei-export-*.csv")
    assert len(next(export).read_text().strip().splitlines()) == 2
    assert "Verdict: CLEAN" in out and "auditor: exit 0 (clean)" in out
    assert "/docs" in out and "rnt_" in out and "auditor audit --rpc" in out
    assert "done in" in out
    # Every actor has its own encrypted keystore; passwords and tokens are owner-only files.
    keys = data / "keys"
    assert len(list(keys.glob("*.json"))) == 14
    for secret in [*(keys / "passwords").iterdir(), data / "node" / "demo-tokens.json"]:
        assert stat.S_IMODE(secret.stat().st_mode) == 0o600, secret
    assert "private" not in (keys / "agency.json").read_text()
    assert (data / "anvil-state.json").exists()
    assert json.loads((data / "seeded.json").read_text())["neutral"] is True

    again = _demo(data)
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-3000:]
    assert "(reused)" in again.stdout and "kept from the last run" in again.stdout
    assert "auditor: exit 0 (clean)" in again.stdout


def test_demo_data_is_seeded() -> None:
    people = demo_data.citizens(50)
    assert people == demo_data.citizens(50)
    assert len({p.account for p in people}) == 50
    first = demo_data.metro_trips_csv(people, 1, 1_000_000, 1_000_000 + 30 * 86_400)
    assert first == demo_data.metro_trips_csv(people, 1, 1_000_000, 1_000_000 + 30 * 86_400)
    assert first != demo_data.metro_trips_csv(people, 1, 1_000_000, 1_000_000 + 30 * 86_400, 7)
    assert first[0].startswith(demo_data.METRO_HEADER.encode())


def test_write_keystore_takes_a_scrypt_cost(tmp_path: Path) -> None:
    key = (7).to_bytes(32, "big")
    address = write_keystore(key, tmp_path / "k.json", "pw", iterations=2**14)
    keyfile = json.loads((tmp_path / "k.json").read_text())
    assert keyfile["crypto"]["kdfparams"]["n"] == 2**14
    assert LocalSigner.from_keystore(tmp_path / "k.json", "pw").address == address
    assert stat.S_IMODE((tmp_path / "k.json").stat().st_mode) == 0o600
