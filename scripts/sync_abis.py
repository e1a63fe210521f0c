"""Copy the contracts' ABIs from forge's build output into carbon_chain/abi/ (or --check drift)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from carbon_chain.build import CONTRACT_NAMES, artifact_path  # noqa: E402

ABI_DIR = ROOT / "carbon_chain" / "abi"


def render(name: str) -> str:
    """Return the canonical JSON text of `name`'s ABI from forge's artifact."""
    artifact = json.loads(artifact_path(name).read_text())
    return json.dumps(artifact["abi"], indent=1, sort_keys=True) + "\n"


def main() -> int:
    """Write or check the committed ABIs; exit 1 on drift."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if committed ABIs differ")
    args = parser.parse_args()
    drift = []
    for name in CONTRACT_NAMES:
        target = ABI_DIR / f"{name}.json"
        text = render(name)
        if args.check:
            if not target.exists() or target.read_text() != text:
                drift.append(name)
        else:
            target.write_text(text)
    if drift:
        print(f"ABI drift: {', '.join(drift)} differ from the forge build; run `make abi`")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
