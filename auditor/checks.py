"""The audit's checks: one function per invariant or cross-check, each returning its findings.

Every check reads the state rebuilt from events (`LedgerState`) and, where it says so, the
contracts' own view functions at the audited block (`ChainSnapshot`); it trusts neither alone.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Callable
from typing import Any

from auditor.findings import (
    AuditContext,
    CheckResult,
    compare,
    compare_entities,
    exists,
    show,
)
from auditor.market_checks import (
    check_compliance_caps,
    check_import_attestations,
    check_import_origin_serials,
    check_redemptions,
    market_views,
)
from auditor.replay import ZERO, LedgerState
from auditor.sources import recover_signer
from auditor.views import CallFailed
from carbon_chain.domain import (
    VERIFIER_ROLE,
    AccountKind,
    AccountStatus,
    CancellationKind,
    MethodologyKind,
    ReportStatus,
    RetirementPurpose,
)
from carbon_chain.eip712 import Domain, ReportPayload, report_digest
from carbon_chain.merkle import AllocationTree


def _unclaimed(state: LedgerState, batch_id: int) -> int:
    b, s = state.batches[batch_id], state.supplies[batch_id]
    if b.merkle_root == bytes(32) or b.distribution_closed:
        return 0
    return b.quantity - b.buffer_amount - s.claimed


# --------------------------------------------------------------------------- invariant 1


def check_supply_equation(ctx: AuditContext) -> CheckResult:
    """Invariant 1: issued = Σ balances (incl. custody) + retired + cancelled + unclaimed."""
    res = CheckResult("supply_equation", "Supply equation per batch", "1")
    st, snap, custody = ctx.state, ctx.snapshot, ctx.deployment.ledger
    for bid in sorted(st.batches):
        res.checked += 1
        b, s = st.batches[bid], st.supplies[bid]
        held = sum(st.balances.get(bid, {}).values())
        unclaimed = _unclaimed(st, bid)
        total = held + s.retired + s.cancelled + unclaimed
        if total != b.quantity:
            res.fail(
                f"batch {bid}",
                f"events: issued {b.quantity} ≠ held {held} + retired {s.retired} + cancelled "
                f"{s.cancelled} + unclaimed {unclaimed} = {total}",
            )
        if st.balances.get(bid, {}).get(custody, 0) != s.locked:
            res.fail(
                f"batch {bid}",
                f"events: custody balance {st.balances.get(bid, {}).get(custody, 0)} ≠ "
                f"locked {s.locked}",
            )
    for bid in sorted(snap.batches):
        batch, supply, unclaimed_v = snap.batches[bid], snap.supplies[bid], snap.unclaimed[bid]
        if any(isinstance(v, CallFailed) for v in (batch, supply, unclaimed_v)):
            continue  # reported by state_matches_views
        held_v = sum(v for (b2, _), v in snap.balances.items() if b2 == bid and isinstance(v, int))
        total_v = held_v + supply["retired"] + supply["cancelled"] + unclaimed_v
        if total_v != batch["quantity"]:
            res.fail(
                f"batch {bid}",
                f"views: getBatch.quantity {batch['quantity']} ≠ Σ balanceOf {held_v} + retired "
                f"{supply['retired']} + cancelled {supply['cancelled']} + unclaimedOf "
                f"{unclaimed_v} = {total_v}",
            )
        custody_v = snap.balances.get((bid, custody))
        if custody_v != supply["locked"]:
            res.fail(
                f"batch {bid}",
                f"views: custody balanceOf {show(custody_v)} ≠ supply.locked {supply['locked']}",
            )
    return res


# --------------------------------------------------------------------------- invariant 2


def check_issued_within_verified(ctx: AuditContext) -> CheckResult:
    """Invariant 2: Σ issued over a report's batches ≤ its verified quantity; none if rejected.

    A batch without a report (reportId 0) is an import: it must match exactly one
    `CreditsImported` (same batch, quantity = origin serials, recipient, project, vintage).
    """
    res = CheckResult("issued_within_verified", "Issued ≤ verified per report", "2")
    st = ctx.state
    issued: dict[int, int] = defaultdict(int)
    imports_of: dict[int, list[int]] = defaultdict(list)
    for iid in sorted(st.imports):
        imports_of[st.imports[iid].batch_id].append(iid)
    for bid in sorted(st.batches):
        b = st.batches[bid]
        if b.report_id == 0:
            res.checked += 1
            _check_imported_batch(res, st, b, imports_of.get(bid, []))
            continue
        if imports_of.get(bid):
            res.fail(f"batch {bid}", f"issued against report {b.report_id}, yet also imported")
        issued[b.report_id] += b.quantity
        report = st.reports.get(b.report_id)
        if report is None:
            res.fail(f"batch {b.id}", f"issued against report {b.report_id}, which has no event")
        elif report.project_id != b.project_id:
            res.fail(
                f"batch {b.id}",
                f"project {b.project_id} differs from its report's project {report.project_id}",
            )
    for bid in sorted(imports_of):
        if bid not in st.batches:
            res.fail(f"batch {bid}", f"imported by {imports_of[bid]}, but no BatchIssued")
    _imported_batch_views(res, ctx, imports_of)
    for rid in sorted(st.reports):
        res.checked += 1
        r = st.reports[rid]
        if issued[rid] > r.quantity:
            res.fail(
                f"report {rid}",
                f"issued {issued[rid]} g in batches exceeds the verified quantity {r.quantity} g",
            )
        if r.status == ReportStatus.REJECTED and issued[rid]:
            res.fail(f"report {rid}", f"rejected, yet {issued[rid]} g were issued against it")
        view = ctx.snapshot.issued_for_report.get(rid)
        if view != issued[rid]:
            res.fail(
                f"report {rid}",
                f"issuedForReport view {show(view)} ≠ Σ BatchIssued quantities {issued[rid]}",
            )
    return res


def _imported_batch_views(
    res: CheckResult, ctx: AuditContext, imports_of: dict[int, list[int]]
) -> None:
    """Every batch the ledger holds without a report is backed by one attested import."""
    for bid, view in sorted(ctx.snapshot.batches.items()):
        if not isinstance(view, dict) or not exists(view) or view["reportId"] != 0:
            continue
        ids = imports_of.get(bid, [])
        if len(ids) != 1:
            res.fail(
                f"batch {bid}",
                f"views: {view['quantity']} g without a report (reportId 0) and "
                f"{len(ids)} CreditsImported for it",
            )
            continue
        imp = ctx.state.imports[ids[0]]
        attested = imp.origin_serial_end - imp.origin_serial_start
        if view["quantity"] != attested:
            res.fail(
                f"batch {bid}",
                f"views: quantity {view['quantity']} g, import {imp.id} attested {attested} g",
            )


def _check_imported_batch(res: CheckResult, st: LedgerState, b: Any, imports: list[int]) -> None:
    subject = f"batch {b.id}"
    if len(imports) != 1:
        what = "no CreditsImported" if not imports else f"imports {imports}"
        res.fail(subject, f"issued without a report (reportId 0) and matched by {what}")
        return
    imp = st.imports[imports[0]]
    attested = imp.origin_serial_end - imp.origin_serial_start
    expected: dict[str, Any] = {
        "quantity": attested,
        "recipient": imp.recipient,
        "project": imp.project_id,
        "vintage": imp.vintage,
        "buffer": 0,
        "merkle root": bytes(32),
    }
    found: dict[str, Any] = {
        "quantity": b.quantity,
        "recipient": b.recipient,
        "project": b.project_id,
        "vintage": b.vintage,
        "buffer": b.buffer_amount,
        "merkle root": b.merkle_root,
    }
    diffs = [
        f"{k} {show(found[k])}, import {show(v)}" for k, v in expected.items() if found[k] != v
    ]
    if diffs:
        res.fail(subject, f"differs from import {imp.id}: " + "; ".join(diffs))
    if b.kind != MethodologyKind.PROJECT:
        res.fail(subject, "imported as personal points; only project credits are recognised")
    if (b.position[0], b.position[1]) != (imp.position[0], imp.position[1]):
        res.fail(subject, f"not issued in the transaction of import {imp.id}")


# --------------------------------------------------------------------------- invariant 3


def check_monitoring_periods(ctx: AuditContext) -> CheckResult:
    """Invariant 3: verified and imported monitoring periods of one project never overlap."""
    res = CheckResult("monitoring_periods", "No overlapping monitoring periods", "3")
    st = ctx.state
    # (start, end, what) per project: verified reports and imports together.
    by_project: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
    for rid in sorted(st.reports):
        r = st.reports[rid]
        res.checked += 1
        if r.project_id not in st.projects:
            res.fail(f"report {rid}", f"project {r.project_id} has no ProjectProposed event")
        if r.period_start >= r.period_end:
            res.fail(f"report {rid}", f"empty period [{r.period_start}, {r.period_end})")
        if r.period_end > r.submitted_at:
            res.fail(f"report {rid}", f"period ends {r.period_end}, after submission")
        if r.status == ReportStatus.VERIFIED:
            by_project[r.project_id].append((r.period_start, r.period_end, f"report {rid}"))
    for iid in sorted(st.imports):
        i = st.imports[iid]
        res.checked += 1
        if i.project_id not in st.projects:
            res.fail(f"import {iid}", f"project {i.project_id} has no ProjectProposed event")
        if i.period_start >= i.period_end:
            res.fail(f"import {iid}", f"empty period [{i.period_start}, {i.period_end})")
        if i.period_end > i.imported_at:
            res.fail(f"import {iid}", f"period ends {i.period_end}, after the import")
        by_project[i.project_id].append((i.period_start, i.period_end, f"import {iid}"))
    for pid in sorted(by_project):
        spans = sorted(by_project[pid])
        for (a_start, a_end, a), (b_start, b_end, b) in itertools.pairwise(spans):
            if b_start < a_end:
                res.fail(
                    f"project {pid}",
                    f"{b} [{b_start}, {b_end}) overlaps {a} [{a_start}, {a_end})",
                )
    return res


# --------------------------------------------------------------------------- invariant 4


def check_verifier_signatures(ctx: AuditContext) -> CheckResult:
    """Invariant 4: ≥ k valid signatures of distinct verifiers ACTIVE at submission."""
    res = CheckResult("verifier_signatures", "k-of-n verifier signatures", "4")
    st = ctx.state
    domain = Domain(ctx.deployment.chain_id, ctx.deployment.registry)
    for rid in sorted(st.reports):
        res.checked += 1
        r, subject = st.reports[rid], f"report {rid}"
        sub = ctx.submissions.get(r.tx_hash, "transaction not fetched")
        if isinstance(sub, str):
            res.fail(subject, f"signatures not recoverable from tx 0x{r.tx_hash.hex()}: {sub}")
            continue
        if sub.to != ctx.deployment.registry:
            res.fail(subject, f"submitted to {sub.to}, not the registry")
        m = st.methodologies.get(r.methodology_id)
        signed = sub.payload
        expected = ReportPayload(
            project_id=r.project_id,
            period_start=r.period_start,
            period_end=r.period_end,
            quantity=r.quantity,
            data_root=r.data_root,
            evidence_hash=r.evidence_hash,
            methodology_code=m.code if m else "",
            methodology_version=m.version if m else 0,
            deadline=r.deadline,
        )
        if signed != expected:
            diffs = [
                f"{k} {show(getattr(signed, k))} vs {show(getattr(expected, k))}"
                for k in signed.__dataclass_fields__
                if getattr(signed, k) != getattr(expected, k)
            ]
            res.fail(subject, "signed payload differs from the stored report: " + "; ".join(diffs))
        digest = report_digest(domain, signed)
        if digest != r.digest:
            res.fail(subject, f"EIP-712 digest {show(digest)} ≠ event digest {show(r.digest)}")
        recovered: list[str] = []
        for i, sig in enumerate(sub.signatures):
            try:
                recovered.append(recover_signer(digest, sig))
            except Exception as exc:
                res.fail(subject, f"signature {i} invalid: {exc}")
        if recovered != r.signers:
            res.fail(subject, f"recovered signers {recovered} ≠ event signers {r.signers}")
        if any(int(a, 16) >= int(b, 16) for a, b in itertools.pairwise(recovered)):
            res.fail(subject, "signers are not distinct and strictly ascending")
        k = st.threshold_at(r.position)
        if len(set(recovered)) < k:
            res.fail(subject, f"{len(set(recovered))} distinct valid signatures, k = {k}")
        for signer in recovered:
            problems = _verifier_problems(st, signer, r.position)
            if problems:
                res.fail(subject, f"signer {signer} was not an active verifier: {problems}")
    return res


def _verifier_problems(st: LedgerState, signer: str, position: tuple[int, int, int]) -> str:
    problems = []
    if not st.role_at(VERIFIER_ROLE, signer, position):
        problems.append("no VERIFIER role (RoleGranted) before submission")
    account = st.accounts.get(signer)
    if account is None:
        problems.append("no registered carbon account")
    else:
        if account.kind != AccountKind.VERIFIER:
            problems.append(f"account kind {AccountKind(account.kind).name}")
        status = st.status_at(signer, position)
        if status != AccountStatus.ACTIVE:
            problems.append(f"account {AccountStatus(status).name} at submission")
    return "; ".join(problems)


# --------------------------------------------------------------------------- invariant 5


def check_single_claims(ctx: AuditContext) -> CheckResult:
    """Invariant 5: each allocation is claimed at most once and within its distribution."""
    res = CheckResult("single_claims", "Merkle allocations claimed once", "5")
    st = ctx.state
    seen = Counter((c.batch_id, c.account) for c in st.claims)
    for (bid, account), n in sorted(seen.items()):
        if n > 1:
            res.fail(f"batch {bid}", f"{account} claimed {n} times")
    leaves: dict[int, dict[str, int] | None] = {}
    for c in st.claims:
        res.checked += 1
        b = st.batches.get(c.batch_id)
        if b is None:
            continue
        if b.merkle_root == bytes(32):
            res.fail(f"batch {b.id}", f"claim by {c.account} on a batch issued to the proponent")
            continue
        if c.batch_id not in leaves:
            leaves[c.batch_id] = _published_leaves(ctx, b.report_id, b.merkle_root)
        allocation = leaves[c.batch_id]
        if allocation is not None and allocation.get(c.account) != c.amount:
            res.fail(
                f"batch {b.id}",
                f"{c.account} claimed {c.amount} g; the published allocation is "
                f"{allocation.get(c.account, 'absent')}",
            )
    for bid in sorted(st.batches):
        b, s = st.batches[bid], st.supplies[bid]
        if b.merkle_root != bytes(32) and s.claimed > b.quantity - b.buffer_amount:
            res.fail(
                f"batch {bid}",
                f"claimed {s.claimed} g exceeds the distribution {b.quantity - b.buffer_amount} g",
            )
        if b.merkle_root != bytes(32) and leaves.get(bid) is None and bid in leaves:
            res.notes.append(f"batch {bid}: claims not matched to a published allocation")
    for (bid, account), view in sorted(ctx.snapshot.claimed.items()):
        if view is not True:
            res.fail(f"batch {bid}", f"hasClaimed({account}) is {show(view)} after its claim")
    return res


def _published_leaves(ctx: AuditContext, report_id: int, root: bytes) -> dict[str, int] | None:
    """The allocations of the report's dataset, when its tree is the batch's root."""
    loaded = ctx.datasets.get(report_id)
    report = ctx.state.reports.get(report_id)
    if loaded is None or loaded.dataset is None or report is None:
        return None
    if report.data_root != root:
        return None
    return {a.account: a.grams for a in loaded.dataset.allocations}


# --------------------------------------------------------------------------- invariant 6


def check_retirement_serials(ctx: AuditContext) -> CheckResult:
    """Invariant 6: totals only grow, retired credits are burned, serial ranges tile the batch."""
    res = CheckResult("retirement_serials", "Retirements and cancellations", "6")
    st = ctx.state
    for kind, key in sorted(st.duplicate_ids):
        if kind == "serial":
            res.fail(f"serial {key}", "used as the id of two retirements or cancellations")
    next_serial = 1
    for bid in sorted(st.batches):
        b = st.batches[bid]
        if b.serial_start != next_serial:
            res.fail(f"batch {bid}", f"serialStart {b.serial_start}, expected {next_serial}")
        next_serial = b.serial_start + b.quantity
    view_next = ctx.snapshot.config.get("nextSerial")
    if view_next != next_serial:
        res.fail("ledger", f"nextSerial view {show(view_next)} ≠ Σ issued + 1 = {next_serial}")
    ranges: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
    records: list[tuple[str, Any]] = [("retirement", r) for r in st.retirements.values()]
    records += [("cancellation", c) for c in st.cancellations.values()]
    for what, rec in records:
        res.checked += 1
        subject = f"{what} {rec.id}"
        b = st.batches[rec.batch_id]
        if rec.amount <= 0:
            res.fail(subject, f"amount {rec.amount}: totals must only grow")
        if rec.id != rec.expected_first:
            res.fail(subject, f"starts at serial {rec.id}, expected {rec.expected_first}")
        if rec.id < b.serial_start or rec.id + rec.amount > b.serial_start + b.quantity:
            res.fail(
                subject,
                f"serials [{rec.id}, {rec.id + rec.amount}) outside batch {b.id}'s block "
                f"[{b.serial_start}, {b.serial_start + b.quantity})",
            )
        if not rec.burned:
            res.fail(subject, "no matching burn in the same transaction: the credits still exist")
        ranges[rec.batch_id].append((rec.id, rec.id + rec.amount, subject))
    for bid in sorted(ranges):
        spans = sorted(ranges[bid])
        for (_, end, first), (start, _, second) in itertools.pairwise(spans):
            if start < end:
                res.fail(f"batch {bid}", f"{second} overlaps {first}")
    for bid in sorted(st.supplies):
        s, b = st.supplies[bid], st.batches[bid]
        if s.retired + s.cancelled > b.quantity:
            res.fail(f"batch {bid}", f"retired + cancelled {s.retired + s.cancelled} > issued")
    _check_purposes(res, st)
    return res


def _check_purposes(res: CheckResult, st: LedgerState) -> None:
    """Compensation names its case; expiry sweeps only expired points; exports come from a lock."""
    compensation = RetirementPurpose.ECOLOGICAL_COMPENSATION
    for cid in sorted(st.retirements):
        r = st.retirements[cid]
        if r.purpose == compensation and r.reference_hash == bytes(32):
            res.fail(f"retirement {cid}", "ecological compensation without a case reference")
    for cid in sorted(st.cancellations):
        c, subject = st.cancellations[cid], f"cancellation {cid}"
        b = st.batches[c.batch_id]
        if c.kind == CancellationKind.EXPIRY:
            if b.expires_at == 0 or c.cancelled_at < b.expires_at:
                res.fail(
                    subject,
                    f"expiry at {c.cancelled_at}, but batch {b.id} expires at {b.expires_at}",
                )
            if c.reason != "expired":
                res.fail(subject, f"expiry cancellation with reason {c.reason!r}")


# --------------------------------------------------------------------------- invariant 7


def check_active_movements(ctx: AuditContext) -> CheckResult:
    """Invariant 7: only ACTIVE accounts move credits; nothing moves while paused."""
    res = CheckResult("active_movements", "Only ACTIVE accounts move credits", "7")
    st = ctx.state
    active = int(AccountStatus.ACTIVE)
    for m in st.movements:
        res.checked += 1
        where = f"block {m.position[0]} log {m.position[2]}"
        if m.paused:
            res.fail(f"batch {m.batch_id}", f"{m.amount} g moved while paused ({where})")
        if m.sender_status != active:
            res.fail(
                f"batch {m.batch_id}",
                f"sender {m.sender} was {AccountStatus(m.sender_status).name} ({where})",
            )
        if m.receiver_status != active:
            res.fail(
                f"batch {m.batch_id}",
                f"receiver {m.receiver} was {AccountStatus(m.receiver_status).name} ({where})",
            )
        b = st.batches.get(m.batch_id)
        if (
            b is not None
            and b.kind == MethodologyKind.PERSONAL_SCENARIO
            and ZERO not in (m.sender, m.receiver)
            and m.receiver != m.aggregator
        ):
            res.fail(f"batch {m.batch_id}", f"points moved to {m.receiver}, not the aggregator")
        if ZERO not in (m.sender, m.receiver) and m.amount == 0:
            res.fail(f"batch {m.batch_id}", f"zero-amount transfer ({where})")
    for lid in sorted(st.locks):
        lock = st.locks[lid]
        if lock.holder_status != active:
            res.fail(f"lock {lid}", f"locked by {lock.holder}, which was not ACTIVE")
    for position, message in st.anomalies:
        if "while paused" in message:
            res.fail("ledger", f"{message} (block {position[0]})")
    return res


# --------------------------------------------------------------------------- invariant 8


def check_state_matches_views(ctx: AuditContext) -> CheckResult:
    """Invariant 8: the state rebuilt from events equals the contracts' views at the block."""
    res = CheckResult("state_matches_views", "Every state change has its event", "8")
    st, snap = ctx.state, ctx.snapshot
    for position, message in st.anomalies:
        if "while paused" not in message:
            res.fail("events", f"{message} (block {position[0]})")
    for kind, key in sorted(st.duplicate_ids):
        if kind != "serial":
            res.fail(f"{kind} {key}", "created by two events")
    expected_cfg: dict[str, Any] = {
        "verifierThreshold": st.threshold,
        "noticePeriod": st.notice_period,
        "ledger": st.ledger_connected,
        "methodologyCount": len(st.methodologies),
        "projectCount": len(st.projects),
        "reportCount": len(st.reports),
        "eventCount": len(st.events),
        "registry": ctx.deployment.registry,
        "paused": st.paused,
        "aggregator": st.aggregator,
        "bufferAccount": st.buffer_account,
        "batchCount": len(st.batches),
        "market": st.market_connected,
    }
    compare(res, "configuration", expected_cfg, snap.config)
    res.checked += 1
    for addr in sorted(snap.accounts):
        res.checked += 1
        a = st.accounts.get(addr)
        if a is None:
            if exists(snap.accounts[addr]):
                res.fail(f"account {addr}", "exists in the ledger but no AccountRegistered event")
            continue
        rebuilt: dict[str, Any] = {"kind": a.kind, "status": a.status, "region": a.region}
        rebuilt |= {"registeredAt": a.registered_at, "recordHash": a.record_hash}
        compare(res, f"account {addr}", rebuilt, snap.accounts[addr])
    for (role, account), view in sorted(snap.roles.items()):
        res.checked += 1
        if view != st.has_role(role, account):
            res.fail(
                f"role 0x{role.hex()[:8]}… {account}",
                f"hasRole is {view}, the role events say {st.has_role(role, account)}",
            )
    compare_entities(res, "methodology", st.methodologies, snap.methodologies, _methodology_fields)
    compare_entities(res, "project", st.projects, snap.projects, _project_fields)
    compare_entities(res, "report", st.reports, snap.reports, _report_fields)
    compare_entities(res, "batch", st.batches, snap.batches, _batch_fields)
    compare_entities(res, "batch supply", st.supplies, snap.supplies, _supply_fields)
    for bid in sorted(st.batches):
        if snap.unclaimed.get(bid) != _unclaimed(st, bid):
            res.fail(
                f"batch {bid}",
                f"unclaimedOf view {show(snap.unclaimed.get(bid))}, events {_unclaimed(st, bid)}",
            )
    for (bid, holder), view in sorted(snap.balances.items()):
        res.checked += 1
        rebuilt_balance = st.balances.get(bid, {}).get(holder, 0)
        if view != rebuilt_balance:
            res.fail(
                f"balance {holder} batch {bid}",
                f"balanceOf view {show(view)}, transfer events {rebuilt_balance}",
            )
    compare_entities(res, "retirement", st.retirements, snap.retirements, _retirement_fields)
    compare_entities(
        res, "cancellation", st.cancellations, snap.cancellations, _cancellation_fields
    )
    compare_entities(res, "lock", st.locks, snap.locks, _lock_fields)
    compare_entities(res, "event", st.events, snap.events, _event_fields)
    for eid in sorted(st.events):
        view = snap.event_retirements.get(eid)
        if view != st.events[eid].certificates:
            res.fail(
                f"event {eid}",
                f"eventRetirements view {show(view)}, CreditsRetired events "
                f"{st.events[eid].certificates}",
            )
    market_views(res, ctx)
    return res


def _methodology_fields(m: Any) -> dict[str, Any]:
    return {
        "code": m.code,
        "version": m.version,
        "kind": m.kind,
        "status": m.status,
        "pointValidity": m.point_validity,
        "sector": m.sector,
        "documentHash": m.document_hash,
    }


def _project_fields(p: Any) -> dict[str, Any]:
    return {
        "methodologyId": p.methodology_id,
        "status": p.status,
        "region": p.region,
        "noticeEndsAt": p.notice_ends_at,
        "lastPeriodEnd": p.last_period_end,
        "proponent": p.proponent,
        "metadataHash": p.metadata_hash,
        "metadataURI": p.metadata_uri,
    }


def _report_fields(r: Any) -> dict[str, Any]:
    return {
        "projectId": r.project_id,
        "periodStart": r.period_start,
        "periodEnd": r.period_end,
        "submittedAt": r.submitted_at,
        "status": r.status,
        "quantity": r.quantity,
        "methodologyId": r.methodology_id,
        "dataRoot": r.data_root,
        "evidenceHash": r.evidence_hash,
    }


def _batch_fields(b: Any) -> dict[str, Any]:
    return {
        "reportId": b.report_id,
        "projectId": b.project_id,
        "serialStart": b.serial_start,
        "vintage": b.vintage,
        "kind": b.kind,
        "distributionClosed": b.distribution_closed,
        "quantity": b.quantity,
        "bufferAmount": b.buffer_amount,
        "claimDeadline": b.claim_deadline,
        "expiresAt": b.expires_at,
        "merkleRoot": b.merkle_root,
    }


def _supply_fields(s: Any) -> dict[str, Any]:
    return {
        "retired": s.retired,
        "cancelled": s.cancelled,
        "claimed": s.claimed,
        "locked": s.locked,
    }


def _retirement_fields(r: Any) -> dict[str, Any]:
    return {
        "holder": r.holder,
        "amount": r.amount,
        "purpose": r.purpose,
        "region": r.region,
        "beneficiary": r.beneficiary,
        "batchId": r.batch_id,
        "retiredAt": r.retired_at,
        "referenceHash": r.reference_hash,
    }


def _cancellation_fields(c: Any) -> dict[str, Any]:
    return {
        "holder": c.holder,
        "amount": c.amount,
        "kind": c.kind,
        "batchId": c.batch_id,
        "cancelledAt": c.cancelled_at,
        "referenceHash": c.reference_hash,
    }


def _lock_fields(lock: Any) -> dict[str, Any]:
    return {
        "holder": lock.holder,
        "amount": lock.amount,
        "status": lock.status,
        "batchId": lock.batch_id,
        "lockedAt": lock.locked_at,
        "destinationHash": lock.destination_hash,
    }


def _event_fields(e: Any) -> dict[str, Any]:
    return {
        "organiser": e.organiser,
        "region": e.region,
        "neutral": e.neutral,
        "startsAt": e.starts_at,
        "endsAt": e.ends_at,
        "footprint": e.footprint,
        "retired": e.retired,
        "evidenceHash": e.evidence_hash,
        "name": e.name,
    }


# --------------------------------------------------------------------------- datasets


def check_dataset_evidence(ctx: AuditContext) -> CheckResult:
    """Each report's evidenceHash is the sha256 of its published dataset, which describes it."""
    res = CheckResult("dataset_evidence", "Published dataset matches evidenceHash", "evidence")
    for rid in sorted(ctx.state.reports):
        res.checked += 1
        r, subject = ctx.state.reports[rid], f"report {rid}"
        loaded = ctx.datasets.get(rid)
        if loaded is None:
            res.fail(subject, f"no dataset published under {r.evidence_hash.hex()}")
            continue
        if loaded.sha256 != r.evidence_hash:
            res.fail(
                subject,
                f"sha256 of the published dataset is {show(loaded.sha256)}, "
                f"evidenceHash is {show(r.evidence_hash)}",
            )
        if loaded.dataset is None:
            res.fail(subject, f"published file is {loaded.error}")
            continue
        d = loaded.dataset
        m = ctx.state.methodologies.get(r.methodology_id)
        expected: dict[str, Any] = {
            "chain_id": ctx.deployment.chain_id,
            "registry": ctx.deployment.registry.lower(),
            "project_id": r.project_id,
            "period_start": r.period_start,
            "period_end": r.period_end,
            "methodology": (m.code, m.version) if m else None,
        }
        found: dict[str, Any] = {
            "chain_id": d.chain_id,
            "registry": d.registry.lower(),
            "project_id": d.project_id,
            "period_start": d.period_start,
            "period_end": d.period_end,
            "methodology": (d.methodology.code, d.methodology.version),
        }
        for key in expected:
            if expected[key] != found[key]:
                res.fail(subject, f"dataset {key} {found[key]!r}, report {expected[key]!r}")
    return res


def check_dataset_allocations(ctx: AuditContext) -> CheckResult:
    """The dataset's allocations sum to the report's quantity and rebuild its dataRoot."""
    res = CheckResult("dataset_allocations", "Allocations sum and Merkle root", "evidence")
    for rid in sorted(ctx.state.reports):
        r, subject = ctx.state.reports[rid], f"report {rid}"
        loaded = ctx.datasets.get(rid)
        if loaded is None or loaded.dataset is None:
            continue  # reported by dataset_evidence
        res.checked += 1
        d = loaded.dataset
        total = sum(a.grams for a in d.allocations)
        if total != d.quantity or total != r.quantity:
            res.fail(
                subject,
                f"Σ allocations {total} g, dataset quantity {d.quantity} g, "
                f"report quantity {r.quantity} g",
            )
        accounts = [a.account.lower() for a in d.allocations]
        if len(set(accounts)) != len(accounts):
            res.fail(subject, "an account appears twice in the allocations")
        try:
            root = AllocationTree([(a.account, a.grams) for a in d.allocations]).root
        except ValueError as exc:
            res.fail(subject, f"allocations do not build a tree: {exc}")
            continue
        if root != r.data_root:
            res.fail(subject, f"rebuilt Merkle root {show(root)} ≠ dataRoot {show(r.data_root)}")
        if d.merkle_root.lower() != "0x" + r.data_root.hex():
            res.fail(subject, f"dataset merkle_root {d.merkle_root} ≠ dataRoot")
    return res


# --------------------------------------------------------------------------- events


def check_event_neutrality(ctx: AuditContext) -> CheckResult:
    """An event marked carbon-neutral has retirements against it that cover its footprint."""
    res = CheckResult("event_neutrality", "Carbon-neutral events are covered", "event")
    st = ctx.state
    for eid in sorted(set(st.events) | set(ctx.snapshot.events)):
        res.checked += 1
        subject = f"event {eid}"
        e = st.events.get(eid)
        view = ctx.snapshot.events.get(eid)
        view_neutral = isinstance(view, dict) and view.get("neutral") is True
        if e is None:
            if view_neutral:
                res.fail(subject, "marked neutral in state, but never registered by an event")
            continue
        covered = sum(
            st.retirements[c].amount
            for c in e.certificates
            if st.retirements[c].purpose == RetirementPurpose.EVENT_NEUTRALITY
        )
        if (e.neutral or view_neutral) and covered < e.footprint:
            res.fail(
                subject,
                f"marked carbon-neutral, but retirements against it cover {covered} g of its "
                f"{e.footprint} g footprint",
            )
        if covered >= e.footprint and not e.neutral:
            res.fail(subject, "retirements cover the footprint but no CarbonEventNeutralised")
        certs = view if isinstance(view, dict) else None
        listed = ctx.snapshot.event_retirements.get(eid)
        if certs is not None and isinstance(listed, list):
            for cert in listed:
                r = st.retirements.get(cert)
                if r is None or r.reference_hash != eid.to_bytes(32, "big"):
                    res.fail(subject, f"certificate {cert} is not a retirement for this event")
    return res


CHECKS: list[Callable[[AuditContext], CheckResult]] = [
    check_supply_equation,
    check_issued_within_verified,
    check_monitoring_periods,
    check_verifier_signatures,
    check_single_claims,
    check_retirement_serials,
    check_active_movements,
    check_state_matches_views,
    check_dataset_evidence,
    check_dataset_allocations,
    check_event_neutrality,
    check_import_attestations,
    check_import_origin_serials,
    check_compliance_caps,
    check_redemptions,
]


def run_checks(ctx: AuditContext) -> list[CheckResult]:
    """Run every check in a fixed order."""
    return [check(ctx) for check in CHECKS]
