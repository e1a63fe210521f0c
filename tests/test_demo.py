"""`make demo`'s scenario runs end to end on its own anvil and exits cleanly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from carbon_chain.anvil import free_port

ROOT = Path(__file__).resolve().parent.parent


def test_demo_runs_the_lifecycle() -> None:
    env = {**os.environ, "DEMO_EXIT": "1", "DEMO_PORT": str(free_port())}
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "demo.py")],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "carbon-neutral: True" in done.stdout
    assert "4 citizens claimed" in done.stdout
