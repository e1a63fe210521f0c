#!/usr/bin/env python3
"""Gas table of the credit lifecycle, from forge's snapshot of contracts/test/gas/GasBench.t.sol.

Run ``forge test --match-path contracts/test/gas/GasBench.t.sol`` first: it writes
``contracts/snapshots/registry.json`` with, for every measured operation ``<name>``:

- ``<name>``: the call gas forge measured (``vm.snapshotGasLastCall``), i.e. the gas spent inside
  the called contract, without the 21,000 intrinsic gas and without calldata gas;
- ``calldata_<name>``: the EIP-2028 calldata gas of that very call (4 per zero byte, 16 per
  non-zero byte).

This script prints, and writes to ``bench/results/gas.md`` and ``bench/results/gas.json``, both the
call gas and the transaction estimate ``call + 21,000 + calldata``. Targets are checked against
the transaction estimate (what a sender pays; no measured call earns a refund); the status on the
call gas alone is shown next to it. The transfer ratio compares the ledger and the plain
OpenZeppelin ERC-1155 measured the same way (same calldata shape, same cold state), on both bases.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

ROOT: Final = Path(__file__).resolve().parent.parent
DEFAULT_SNAPSHOT: Final = ROOT / "contracts" / "snapshots" / "registry.json"
# contracts/test/gas/MarketGasBench.t.sol (group "market"): the CarbonMarket's operations.
DEFAULT_MARKET_SNAPSHOT: Final = ROOT / "contracts" / "snapshots" / "market.json"
DEFAULT_OUT_DIR: Final = ROOT / "bench" / "results"
INTRINSIC_GAS: Final = 21_000
CALLDATA_PREFIX: Final = "calldata_"
TRANSFER_BASELINE: Final = "plain_safeTransferFrom"

MET: Final = "met"
MISSED: Final = "MISSED"
NONE: Final = "-"


@dataclass(frozen=True)
class Operation:
    """One measured operation and what it is held to."""

    key: str
    label: str
    target: int | None = None
    """Gas ceiling of the whole transaction (call + intrinsic + calldata)."""
    baseline: str | None = None
    """Key of the plain ERC-1155 operation it is compared with."""
    max_ratio: float | None = None
    """Ceiling of the ratio to the baseline."""


OPERATIONS: Final = (
    Operation("submitReport_k2", "Submit report, k = 2", target=200_000),
    Operation("submitReport_k3", "Submit report, k = 3"),
    Operation("issueToProponent", "Issue to proponent, no buffer", target=180_000),
    Operation("issueToProponent_buffer", "Issue to proponent, 10% buffer", target=180_000),
    Operation("issueDistribution", "Issue as Merkle distribution"),
    Operation("claim_depth20", "Claim, depth-20 proof", target=100_000, baseline="plain_mint"),
    Operation(
        "transfer_existingHolder",
        "Permissioned transfer, existing holder",
        baseline=TRANSFER_BASELINE,
        max_ratio=1.2,
    ),
    Operation("retire", "Retire, with reference hash", target=110_000, baseline="plain_burn"),
    Operation("retire_noReference", "Retire, no reference hash", target=110_000),
    Operation("retireForEvent", "Retire for an event", target=110_000),
    Operation("cancelCredits", "Cancel (invalidation)"),
    Operation("importCredits", "Import from a partner platform (attested)"),
    Operation("useForCompliance", "Compliance use (lock within cap)"),
    Operation("confirmComplianceUse", "Confirm compliance use (export)"),
    Operation("releaseComplianceUse", "Release compliance use"),
    Operation("redeemPoints", "Redeem points for an incentive"),
    Operation("cancelExpired_10holders", "Expiry sweep, 10 holders"),
    Operation(TRANSFER_BASELINE, "Plain ERC-1155 safeTransferFrom, existing holder"),
    Operation("plain_mint", "Plain ERC-1155 mint, new holder"),
    Operation("plain_burn", "Plain ERC-1155 burn, partial"),
)


@dataclass(frozen=True)
class Measurement:
    call_gas: int
    calldata_gas: int

    @property
    def tx_gas(self) -> int:
        return self.call_gas + INTRINSIC_GAS + self.calldata_gas


@dataclass(frozen=True)
class Row:
    op: Operation
    gas: Measurement
    baseline: Measurement | None
    status_tx: str
    status_call: str

    @property
    def ratio_tx(self) -> float | None:
        return None if self.baseline is None else self.gas.tx_gas / self.baseline.tx_gas

    @property
    def ratio_call(self) -> float | None:
        return None if self.baseline is None else self.gas.call_gas / self.baseline.call_gas

    def target_text(self) -> str:
        if self.op.target is not None:
            return f"<= {self.op.target:,}"
        if self.op.max_ratio is not None:
            return f"<= {self.op.max_ratio:g}x plain"
        return NONE

    def plain_text(self) -> str:
        if self.baseline is None or self.ratio_tx is None or self.ratio_call is None:
            return NONE
        return (
            f"{self.baseline.tx_gas:,} ({self.baseline.call_gas:,}): "
            f"{self.ratio_tx:.2f}x ({self.ratio_call:.2f}x)"
        )


class SnapshotError(Exception):
    pass


def load_snapshot(path: Path) -> dict[str, int]:
    """Forge writes every value of a group as a decimal string; accept numbers too."""
    try:
        raw: Any = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SnapshotError(
            f"{path} not found: run `forge test --match-path contracts/test/gas/GasBench.t.sol`"
        ) from None
    if not isinstance(raw, dict):
        raise SnapshotError(f"{path}: expected a JSON object")
    values: dict[str, int] = {}
    for key, value in raw.items():
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise SnapshotError(f"{path}: {key} is not a number")
        try:
            values[str(key)] = int(value)
        except ValueError:
            raise SnapshotError(f"{path}: {key} = {value!r} is not a number") from None
    return values


def measurement(values: dict[str, int], key: str) -> Measurement:
    missing = [k for k in (key, CALLDATA_PREFIX + key) if k not in values]
    if missing:
        raise SnapshotError(f"snapshot lacks {', '.join(missing)}: re-run the gas bench")
    return Measurement(call_gas=values[key], calldata_gas=values[CALLDATA_PREFIX + key])


def _status(value: float, ceiling: float | None) -> str:
    if ceiling is None:
        return NONE
    return MET if value <= ceiling else MISSED


def build_rows(values: dict[str, int]) -> list[Row]:
    rows: list[Row] = []
    for op in OPERATIONS:
        gas = measurement(values, op.key)
        baseline = None if op.baseline is None else measurement(values, op.baseline)
        if op.target is not None:
            status_tx = _status(gas.tx_gas, op.target)
            status_call = _status(gas.call_gas, op.target)
        elif op.max_ratio is not None and baseline is not None:
            status_tx = _status(gas.tx_gas / baseline.tx_gas, op.max_ratio)
            status_call = _status(gas.call_gas / baseline.call_gas, op.max_ratio)
        else:
            status_tx = status_call = NONE
        rows.append(Row(op, gas, baseline, status_tx, status_call))
    return rows


HEADERS: Final = (
    "Operation",
    "Call gas",
    "Calldata",
    "Tx gas (est.)",
    "Target",
    "Plain ERC-1155 tx (call): ratio tx (call)",
    "Status (tx)",
    "Status (call only)",
)


def _cells(row: Row) -> tuple[str, ...]:
    return (
        row.op.label,
        f"{row.gas.call_gas:,}",
        f"{row.gas.calldata_gas:,}",
        f"{row.gas.tx_gas:,}",
        row.target_text(),
        row.plain_text(),
        row.status_tx,
        row.status_call,
    )


NOTES: Final = (
    "Call gas: `vm.snapshotGasLastCall`, the gas spent inside the called contract, each call "
    "made first in its own test function so that every slot and account starts cold, as in a "
    "fresh transaction.",
    f"Tx gas (est.) = call gas + {INTRINSIC_GAS:,} intrinsic + calldata (EIP-2028: 4 gas per zero "
    "byte, 16 per non-zero byte, of the exact calldata). No measured call clears a slot, so there "
    "is no refund to subtract; EIP-7623's calldata floor (Prague) does not bind for any of them.",
    "Targets are checked on the tx estimate (what the sender pays); 'Status (call only)' applies "
    "the same ceiling to the call gas alone. The transfer ratio divides like by like: ledger tx by "
    "plain tx, ledger call by plain call (same calldata shape, same cold state).",
    "Ratios to plain mint/burn on the claim and retire rows are for information only.",
)


def text_table(rows: list[Row]) -> str:
    table = [HEADERS, *(_cells(r) for r in rows)]
    numeric = {1, 2, 3}
    widths = [max(len(line[i]) for line in table) for i in range(len(HEADERS))]
    out: list[str] = []
    for n, line in enumerate(table):
        cells = [
            c.rjust(widths[i]) if i in numeric and n > 0 else c.ljust(widths[i])
            for i, c in enumerate(line)
        ]
        out.append("  ".join(cells).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def markdown(rows: list[Row], snapshot: Path) -> str:
    def line(cells: tuple[str, ...]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"

    align = tuple("---:" if i in {1, 2, 3} else "---" for i in range(len(HEADERS)))
    parts = [
        "# Credit lifecycle gas",
        "",
        f"Source: `{_display(snapshot)}` (contracts/test/gas/GasBench.t.sol) and "
        f"`{_display(DEFAULT_MARKET_SNAPSHOT)}` (MarketGasBench.t.sol). "
        "Generated by `scripts/gas_report.py`.",
        "",
        line(HEADERS),
        line(align),
        *(line(_cells(r)) for r in rows),
        "",
        *(f"- {note}" for note in NOTES),
        "",
    ]
    return "\n".join(parts)


def as_json(rows: list[Row], snapshot: Path) -> dict[str, Any]:
    operations: list[dict[str, Any]] = []
    for row in rows:
        entry: dict[str, Any] = {
            "key": row.op.key,
            "operation": row.op.label,
            "call_gas": row.gas.call_gas,
            "calldata_gas": row.gas.calldata_gas,
            "tx_gas_estimate": row.gas.tx_gas,
            "target": None,
            "status_tx": None if row.status_tx == NONE else row.status_tx.lower(),
            "status_call": None if row.status_call == NONE else row.status_call.lower(),
        }
        if row.op.target is not None:
            entry["target"] = {"kind": "max_tx_gas", "value": row.op.target}
        elif row.op.max_ratio is not None:
            entry["target"] = {
                "kind": "max_ratio_to_plain",
                "value": row.op.max_ratio,
                "baseline": row.op.baseline,
            }
        if row.baseline is not None and row.op.baseline is not None:
            entry["plain_erc1155"] = {
                "key": row.op.baseline,
                "call_gas": row.baseline.call_gas,
                "tx_gas_estimate": row.baseline.tx_gas,
                "ratio_tx": round(row.ratio_tx or 0.0, 4),
                "ratio_call": round(row.ratio_call or 0.0, 4),
            }
        operations.append(entry)
    judged = [r for r in rows if r.status_tx != NONE]
    return {
        "source": _display(snapshot),
        "intrinsic_gas": INTRINSIC_GAS,
        "basis": "targets checked on tx_gas_estimate = call_gas + intrinsic_gas + calldata_gas",
        "notes": list(NOTES),
        "operations": operations,
        "summary": {
            "targets": len(judged),
            "met_tx": sum(r.status_tx == MET for r in judged),
            "missed_tx": [r.op.key for r in judged if r.status_tx == MISSED],
            "missed_call_only": [r.op.key for r in judged if r.status_call == MISSED],
        },
    }


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0] if __doc__ else None)
    parser.add_argument("--snapshot", type=Path, default=DEFAULT_SNAPSHOT)
    parser.add_argument("--market-snapshot", type=Path, default=DEFAULT_MARKET_SNAPSHOT)
    parser.add_argument("--out-dir", type=Path, default=DEFAULT_OUT_DIR)
    args = parser.parse_args(argv)
    snapshot: Path = args.snapshot
    out_dir: Path = args.out_dir
    try:
        rows = build_rows(load_snapshot(snapshot) | load_snapshot(args.market_snapshot))
    except SnapshotError as exc:
        print(f"gas_report: {exc}", file=sys.stderr)
        return 1

    print(text_table(rows))
    print()
    for note in NOTES:
        print(f"* {note}")

    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "gas.md").write_text(markdown(rows, snapshot), encoding="utf-8")
    report = as_json(rows, snapshot)
    (out_dir / "gas.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {_display(out_dir / 'gas.md')} and {_display(out_dir / 'gas.json')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
