"""Run one audit: connect, verify the deployment, replay, read views and datasets, check."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from eth_utils.address import is_address, to_checksum_address
from web3 import Web3

from auditor.checks import run_checks
from auditor.findings import AuditContext, CheckResult
from auditor.node import check_node_agrees, fetch_node
from auditor.replay import (
    ComplianceUseStatus,
    LedgerState,
    ProgressFn,
    block_times,
    fetch_events,
    replay,
    timestamped_blocks,
)
from auditor.sources import (
    DatasetSource,
    LoadedDataset,
    fetch_import_calls,
    fetch_submissions,
    load_dataset,
)
from auditor.views import ViewCaller, read_snapshot
from carbon_chain.manifest import Deployment


class AuditError(RuntimeError):
    """The audit could not run (exit code 2); the message says why."""


@dataclass
class AuditOutcome:
    """Everything an audit produced, for the report writers."""

    deployment: Deployment
    block: int
    block_hash: str
    state: LedgerState
    results: list[CheckResult]
    datasets: dict[int, LoadedDataset | None]
    view_calls: int
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def clean(self) -> bool:
        """True when no check found anything."""
        return all(r.passed for r in self.results)

    @property
    def event_count(self) -> int:
        """How many events were replayed."""
        return sum(self.state.event_counts.values())


def connect(rpc: str, timeout: float = 60) -> Web3:
    """Open a JSON-RPC connection and make sure it answers.

    Raises:
        AuditError: the endpoint does not answer.
    """
    w3 = Web3(Web3.HTTPProvider(rpc, request_kwargs={"timeout": timeout}))
    try:
        _ = w3.eth.chain_id
    except Exception as exc:
        raise AuditError(f"RPC endpoint {rpc} unreachable: {type(exc).__name__}: {exc}") from exc
    return w3


def deployment_from_addresses(
    w3: Web3, registry: str, ledger: str, market: str, deploy_block: int
) -> Deployment:
    """Describe a deployment given only its addresses (no manifest).

    Raises:
        AuditError: an address is malformed.
    """
    for name, value in (("registry", registry), ("ledger", ledger), ("market", market)):
        if not is_address(value):
            raise AuditError(f"--{name} {value!r} is not an address")
    block = w3.eth.get_block(deploy_block)
    return Deployment(
        chain_id=w3.eth.chain_id,
        registry=to_checksum_address(registry),
        ledger=to_checksum_address(ledger),
        market=to_checksum_address(market),
        deploy_block=deploy_block,
        deploy_block_hash=block["hash"].to_0x_hex(),
        compiler="unknown",
        abi_hashes={},
    )


def verify_deployment(w3: Web3, deployment: Deployment, block: int | None) -> tuple[int, str]:
    """Check the chain is the manifest's and return the audited block and its hash.

    Raises:
        AuditError: chain id or deploy block hash differ, no code, or the block is out of range.
    """
    chain_id = w3.eth.chain_id
    if chain_id != deployment.chain_id:
        raise AuditError(f"manifest chain id {deployment.chain_id} ≠ RPC chain id {chain_id}")
    head = w3.eth.block_number
    audited = head if block is None else block
    if audited > head:
        raise AuditError(f"block {audited} is beyond the chain head {head}")
    if audited < deployment.deploy_block:
        raise AuditError(f"block {audited} is before the deploy block {deployment.deploy_block}")
    deployed = w3.eth.get_block(deployment.deploy_block)
    if deployed["hash"].to_0x_hex().lower() != deployment.deploy_block_hash.lower():
        raise AuditError(
            f"deploy block {deployment.deploy_block} hash {deployed['hash'].to_0x_hex()} ≠ "
            f"manifest {deployment.deploy_block_hash}: a different or replaced chain"
        )
    for name in ("registry", "ledger", "market"):
        address = getattr(deployment, name)
        if not w3.eth.get_code(address, block_identifier=audited):
            raise AuditError(f"no contract code at the {name} address {address}")
    return audited, w3.eth.get_block(audited)["hash"].to_0x_hex()


def run_audit(
    w3: Web3,
    deployment: Deployment,
    datasets: DatasetSource,
    block: int | None = None,
    progress: ProgressFn | None = None,
    node: str | None = None,
) -> AuditOutcome:
    """Audit the registry at `block` (default: head); cross-check the node at `node` if given.

    Raises:
        AuditError: the audit could not run.
    """
    unreadable = datasets.check_reachable()
    if unreadable:
        raise AuditError(unreadable)
    audited, block_hash = verify_deployment(w3, deployment, block)
    timings: dict[str, float] = {}
    say = progress or (lambda _m: None)
    t0 = time.perf_counter()
    try:
        events = fetch_events(w3, deployment, audited, progress)
        timings["fetch"] = time.perf_counter() - t0
        say(f"fetched {len(events):,} events in {timings['fetch']:.1f} s; replaying")
        t1 = time.perf_counter()
        times = block_times(w3, timestamped_blocks(events))
        state = replay(events, deployment.ledger, times)
        del events
        timings["replay"] = time.perf_counter() - t1
        t2 = time.perf_counter()
        say(f"replayed in {timings['replay']:.1f} s; reading the views at block {audited}")
        caller = ViewCaller(w3, deployment, audited)
        snapshot = read_snapshot(caller, state, audited)
        submissions = fetch_submissions(w3, [r.tx_hash for r in state.reports.values()])
        import_calls = fetch_import_calls(w3, [i.tx_hash for i in state.imports.values()])
        timings["views"] = time.perf_counter() - t2
    except AuditError:
        raise
    except Exception as exc:
        raise AuditError(f"reading the chain failed: {type(exc).__name__}: {exc}") from exc
    t3 = time.perf_counter()
    loaded = _load_datasets(datasets, state)
    ctx = AuditContext(deployment, audited, state, snapshot, submissions, loaded, import_calls)
    say(f"read {caller.calls:,} views in {timings['views']:.1f} s; checking")
    results = run_checks(ctx)
    timings["checks"] = time.perf_counter() - t3
    say(f"checked in {timings['checks']:.1f} s")
    if node is not None:
        say(f"cross-checking the node at {node}")
        try:
            view = fetch_node(
                node,
                sorted(state.batches),
                sorted(state.retirements),
                sorted(state.events),
                state=state,
            )
        except RuntimeError as exc:
            raise AuditError(str(exc)) from exc
        results.append(check_node_agrees(ctx, view))
    return AuditOutcome(
        deployment=deployment,
        block=audited,
        block_hash=block_hash,
        state=state,
        results=results,
        datasets=loaded,
        view_calls=caller.calls,
        timings=timings,
    )


def _load_datasets(source: DatasetSource, state: LedgerState) -> dict[int, LoadedDataset | None]:
    try:
        return {rid: load_dataset(source, r.evidence_hash) for rid, r in state.reports.items()}
    except Exception as exc:
        raise AuditError(f"reading datasets from {source.location} failed: {exc}") from exc


def summary(outcome: AuditOutcome) -> dict[str, Any]:
    """Counts and totals of the rebuilt ledger, for the report."""
    st = outcome.state
    return {
        "events": outcome.event_count,
        "events_by_name": dict(sorted(st.event_counts.items())),
        "accounts": len(st.accounts),
        "methodologies": len(st.methodologies),
        "projects": len(st.projects),
        "reports": len(st.reports),
        "batches": len(st.batches),
        "issued_grams": sum(b.quantity for b in st.batches.values()),
        "retired_grams": sum(s.retired for s in st.supplies.values()),
        "cancelled_grams": sum(s.cancelled for s in st.supplies.values()),
        "locked_grams": sum(s.locked for s in st.supplies.values()),
        "claims": len(st.claims),
        "retirements": len(st.retirements),
        "cancellations": len(st.cancellations),
        "locks": len(st.locks),
        "carbon_events": len(st.events),
        "compliance_uses": len(st.compliance_uses),
        "compliance_exported_grams": sum(
            u.amount
            for u in st.compliance_uses.values()
            if u.status == ComplianceUseStatus.EXPORTED
        ),
        "imports": len(st.imports),
        "imported_grams": sum(
            i.origin_serial_end - i.origin_serial_start for i in st.imports.values()
        ),
        "redemptions": len(st.redemptions),
        "redeemed_grams": sum(r.amount for r in st.redemptions.values()),
        "view_calls": outcome.view_calls,
    }
