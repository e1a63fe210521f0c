"""What a check returns and reads: findings, results, the audit context, and view comparison."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from auditor.replay import ZERO, LedgerState
from auditor.sources import ImportCall, LoadedDataset, Submission
from auditor.views import CallFailed, ChainSnapshot
from carbon_chain.manifest import Deployment


@dataclass(frozen=True)
class Finding:
    """One thing that is wrong, about one subject (e.g. `batch 3`)."""

    subject: str
    message: str


@dataclass
class CheckResult:
    """The outcome of one named check."""

    name: str
    title: str
    invariant: str
    checked: int = 0
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def fail(self, subject: str, message: str) -> None:
        """Record a finding."""
        self.findings.append(Finding(subject, message))

    @property
    def passed(self) -> bool:
        """True when the check found nothing."""
        return not self.findings


@dataclass
class AuditContext:
    """Everything the checks read."""

    deployment: Deployment
    block: int
    state: LedgerState
    snapshot: ChainSnapshot
    submissions: dict[bytes, Submission | str]
    datasets: dict[int, LoadedDataset | None]
    import_calls: dict[bytes, ImportCall | str] = field(default_factory=dict)


def show(value: Any) -> str:
    """Render a value for a finding message (bytes as 0x hex)."""
    if isinstance(value, bytes):
        return "0x" + value.hex()
    if isinstance(value, CallFailed):
        return f"(view reverted: {value.reason[:80]})"
    return repr(value) if isinstance(value, str) else str(value)


def compare(res: CheckResult, subject: str, rebuilt: dict[str, Any], view: Any) -> None:
    if isinstance(view, CallFailed):
        res.fail(subject, f"events rebuild it, but the view reverts: {view.reason[:80]}")
        return
    diffs = [
        f"{k}: events {show(v)}, view {show(view.get(k))}"
        for k, v in rebuilt.items()
        if view.get(k) != v
    ]
    if diffs:
        res.fail(subject, "view disagrees with events — " + "; ".join(diffs))


def exists(view: Any) -> bool:
    if isinstance(view, CallFailed):
        return False
    if isinstance(view, dict):
        return any(v not in (0, b"\x00" * 32, ZERO, "", False) for v in view.values())
    return bool(view)


def compare_entities(
    res: CheckResult,
    kind: str,
    rebuilt: dict[int, Any],
    views: dict[int, Any],
    fields: Callable[[Any], dict[str, Any]],
) -> None:
    for key in sorted(set(rebuilt) | set(views)):
        res.checked += 1
        view = views.get(key)
        if key not in rebuilt:
            if view is not None and exists(view):
                res.fail(f"{kind} {key}", "exists in contract state but no event created it")
            continue
        if view is None:
            continue
        compare(res, f"{kind} {key}", fields(rebuilt[key]), view)
