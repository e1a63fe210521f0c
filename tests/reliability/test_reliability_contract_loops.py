"""FAULTS.md row 11 (SWC-128): no on-chain loop over a growing set. Every loop in the contracts
iterates over a calldata/memory parameter of its own function (caller-bounded, paid by the
caller), never over storage; there are no `while` loops. A new loop must be reviewed here."""

from __future__ import annotations

import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "contracts" / "src"
FOR = re.compile(r"for\s*\([^;]*;\s*\w+\s*<\s*(\w+)\.length\s*;")
FUNCTION = re.compile(r"function\s+\w+\s*\(([^)]*)\)", re.S)


def test_every_loop_is_bounded_by_a_parameter() -> None:
    loops = 0
    for path in sorted(SRC.rglob("*.sol")):
        text = path.read_text()
        assert not re.search(r"\bwhile\s*\(", text), f"{path.name}: a while loop"
        assert not re.search(r"\bdo\s*\{", text), f"{path.name}: a do-while loop"
        for match in re.finditer(r"\bfor\s*\(", text):
            header = FOR.match(text, match.start())
            assert header, (
                f"{path.name}: a loop not bounded by `x.length`: {text[match.start() :][:80]}"
            )
            bound = header.group(1)
            functions = list(FUNCTION.finditer(text, 0, match.start()))
            assert functions, f"{path.name}: loop outside a function"
            params = functions[-1].group(1)
            assert re.search(rf"\b(calldata|memory)\s+{bound}\b", params), (
                f"{path.name}: loop over {bound}, not a calldata/memory parameter"
            )
            loops += 1
    assert loops >= 1
