"""Checks of the CarbonMarket's links: partner imports, Hubei compliance use, points redemption.

Like `auditor.checks`, each reads the state rebuilt from events and, where it says so, the views.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from typing import Any

from auditor.findings import AuditContext, CheckResult, compare, compare_entities, exists, show
from auditor.replay import ComplianceUseStatus, ImportRec, LedgerState, Position
from auditor.sources import recover_signer
from carbon_chain.domain import (
    AccountKind,
    AccountStatus,
    LockStatus,
    MethodologyKind,
    compliance_destination,
)
from carbon_chain.eip712 import ImportPayload, import_digest, market_domain

BPS = 10_000
# A compliance use's status and the status its ledger lock must have.
LOCK_OF_USE = {
    ComplianceUseStatus.PENDING: LockStatus.LOCKED,
    ComplianceUseStatus.EXPORTED: LockStatus.EXPORTED,
    ComplianceUseStatus.RELEASED: LockStatus.RELEASED,
}


def _payload(i: ImportRec) -> ImportPayload:
    return ImportPayload(
        partner=i.partner,
        origin_serial_start=i.origin_serial_start,
        origin_serial_end=i.origin_serial_end,
        project_id=i.project_id,
        period_start=i.period_start,
        period_end=i.period_end,
        vintage=i.vintage,
        recipient=i.recipient,
        evidence_hash=i.evidence_hash,
        deadline=i.deadline,
    )


# --------------------------------------------------------------------------- imports


def check_import_attestations(ctx: AuditContext) -> CheckResult:
    """Each import carries the partner's own EIP-712 signature over exactly what was imported."""
    res = CheckResult("import_attestations", "Imports attested by an active partner", "4")
    st, dep = ctx.state, ctx.deployment
    domain = market_domain(dep.chain_id, dep.market)
    digests: dict[bytes, list[int]] = defaultdict(list)
    for iid in sorted(st.imports):
        res.checked += 1
        i, subject = st.imports[iid], f"import {iid}"
        digests[i.digest].append(iid)
        expected = _payload(i)
        digest = import_digest(domain, expected)
        if digest != i.digest:
            res.fail(subject, f"EIP-712 digest {show(digest)} ≠ event digest {show(i.digest)}")
        if i.imported_at > i.deadline:
            res.fail(subject, f"imported at {i.imported_at}, after the deadline {i.deadline}")
        problems = _partner_problems(st, i.partner, i.position)
        if problems:
            res.fail(subject, f"partner {i.partner} was not an active partner registry: {problems}")
        call = ctx.import_calls.get(i.tx_hash, "transaction not fetched")
        if isinstance(call, str):
            res.fail(subject, f"attestation not recoverable from tx 0x{i.tx_hash.hex()}: {call}")
            continue
        if call.to != dep.market:
            res.fail(subject, f"imported through {call.to}, not the market")
        if call.payload != expected:
            diffs = [
                f"{k} {show(getattr(call.payload, k))} vs {show(getattr(expected, k))}"
                for k in expected.__dataclass_fields__
                if getattr(call.payload, k) != getattr(expected, k)
            ]
            res.fail(subject, "attested input differs from the event: " + "; ".join(diffs))
        signed = import_digest(domain, call.payload)
        try:
            signer = recover_signer(signed, call.attestation)
        except Exception as exc:
            res.fail(subject, f"attestation invalid: {exc}")
            continue
        if signer != i.partner:
            res.fail(subject, f"attestation signed by {signer}, not the partner {i.partner}")
    for digest, ids in sorted(digests.items()):
        if len(ids) > 1:
            res.fail(f"imports {ids}", f"one attestation {show(digest)} imported {len(ids)} times")
    for digest, view in sorted(ctx.snapshot.import_ids.items()):
        ids = digests.get(digest, [])
        if ids and view != ids[0]:
            res.fail(f"import {ids[0]}", f"importIdOf({show(digest)}) view is {show(view)}")
    return res


def _partner_problems(st: LedgerState, partner: str, position: Position) -> str:
    account = st.accounts.get(partner)
    if account is None:
        return "no registered carbon account"
    problems = []
    if account.kind != AccountKind.PARTNER_REGISTRY:
        problems.append(f"account kind {AccountKind(account.kind).name}")
    status = st.status_at(partner, position)
    if status != AccountStatus.ACTIVE:
        problems.append(f"account {AccountStatus(status).name} at the import")
    return "; ".join(problems)


def check_import_origin_serials(ctx: AuditContext) -> CheckResult:
    """Per partner, the imported origin serial ranges never overlap (events and views)."""
    res = CheckResult("import_origin_serials", "Imported origin serials counted once", "6")
    st, snap = ctx.state, ctx.snapshot
    by_partner: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    view_ranges: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for iid in sorted(st.imports):
        res.checked += 1
        i, subject = st.imports[iid], f"import {iid}"
        if i.origin_serial_start < 1 or i.origin_serial_end <= i.origin_serial_start:
            res.fail(subject, f"origin serials [{i.origin_serial_start}, {i.origin_serial_end})")
        by_partner[i.partner].append((i.origin_serial_start, i.origin_serial_end, subject))
        view = snap.imports.get(iid)
        if isinstance(view, dict) and exists(view):
            span = (int(view["originSerialStart"]), int(view["originSerialEnd"]), subject)
            view_ranges[view["partner"]].append(span)
    for source, ranges in (("events", by_partner), ("views", view_ranges)):
        for partner in sorted(ranges):
            spans = sorted(ranges[partner])
            for (_, a_end, a), (b_start, _, b) in itertools.pairwise(spans):
                if b_start < a_end:
                    res.fail(
                        f"partner {partner}",
                        f"{source}: {b} origin serials from {b_start} overlap {a} (ends {a_end})",
                    )
    # The market's own sorted list (importedRange) must hold exactly the imported ranges.
    for partner in sorted(by_partner):
        spans = sorted(by_partner[partner])
        head = snap.imported_ranges.get((partner, 0))
        if isinstance(head, tuple) and head[1] != spans[0][0]:
            res.fail(
                f"partner {partner}", f"importedRange list starts at {head[1]}, not {spans[0][0]}"
            )
        for k, (start, end, subject) in enumerate(spans):
            nxt = spans[k + 1][0] if k + 1 < len(spans) else 0
            view = snap.imported_ranges.get((partner, start))
            if view is not None and view != (end, nxt):
                res.fail(subject, f"importedRange({start}) view {show(view)}, events {(end, nxt)}")
    return res


# --------------------------------------------------------------------------- compliance


def check_compliance_caps(ctx: AuditContext) -> CheckResult:
    """Per entity-year, pending + exported ≤ cap at every step; each use eligible and locked."""
    res = CheckResult("compliance_caps", "Compliance use within caps and eligibility", "compliance")
    st = ctx.state
    _caps_over_time(res, st)
    lock_users: dict[int, list[int]] = defaultdict(list)
    for uid in sorted(st.compliance_uses):
        res.checked += 1
        u = st.compliance_uses[uid]
        lock_users[u.lock_id].append(uid)
        _eligibility(res, st, uid)
        _use_lock(res, st, uid)
    for lock_id, uids in sorted(lock_users.items()):
        if len(uids) > 1:
            res.fail(f"lock {lock_id}", f"backs compliance uses {uids}")
    _views_within_caps(res, ctx)
    return res


def _cap(emissions: int, cap_bps: int) -> int:
    return emissions * cap_bps // BPS


def _caps_over_time(res: CheckResult, st: LedgerState) -> None:
    """Replay each entity-year's cap changes, uses and releases in chain order.

    A use, and a new emissions figure (the market refuses one below the use), must leave the
    entity within its cap; re-set terms with a lower cap share may leave it above (a note).
    """
    # (position, grams added, what): "use", "release", "entity" (CoveredEntitySet), "terms".
    steps: dict[tuple[int, str], list[tuple[Position, int, str]]] = defaultdict(list)
    for key, rec in st.covered.items():
        steps[key] += [(pos, 0, "entity") for pos, _ in rec.history]
        year_rec = st.compliance_years.get(key[0])
        if year_rec is not None:
            steps[key] += [(pos, 0, "terms") for pos, _ in year_rec.history]
        for pos, stated in rec.stated_caps:
            terms = st.terms_at(key[0], pos)
            expected = _cap(st.emissions_at(key[0], key[1], pos), terms[2] if terms else 0)
            if stated != expected:
                res.fail(
                    f"entity {key[1]} year {key[0]}",
                    f"CoveredEntitySet announced cap {stated}, the terms give {expected}",
                )
    for u in st.compliance_uses.values():
        steps[(u.year, u.entity)].append((u.position, u.amount, "use"))
        if u.status == ComplianceUseStatus.RELEASED and u.closed_position is not None:
            steps[(u.year, u.entity)].append((u.closed_position, -u.amount, "release"))
    for (year, entity), changes in sorted(steps.items()):
        used = 0
        subject = f"entity {entity} year {year}"
        for pos, delta, what in sorted(changes):
            used += delta
            terms = st.terms_at(year, pos)
            cap = _cap(st.emissions_at(year, entity, pos), terms[2] if terms else 0)
            if used <= cap or what == "release":
                continue
            message = f"block {pos[0]}: pending + exported {used} g > cap {cap} g after a {what}"
            if what == "terms":
                res.notes.append(f"{subject}: {message} (terms re-set with a lower cap share)")
            else:
                res.fail(subject, message)
        covered = st.covered.get((year, entity))
        if covered is not None and covered.used != used:
            res.fail(subject, f"used {covered.used} g ≠ Σ pending + exported {used} g")


def _eligibility(res: CheckResult, st: LedgerState, uid: int) -> None:
    u, subject = st.compliance_uses[uid], f"compliance use {uid}"
    terms = st.terms_at(u.year, u.position)
    if terms is None:
        res.fail(subject, f"year {u.year} had no ComplianceYearSet before the use")
        return
    min_vintage, max_vintage, _, closes_at = terms
    if u.requested_at >= closes_at:
        res.fail(subject, f"requested at {u.requested_at}, year {u.year} closed at {closes_at}")
    if u.amount <= 0:
        res.fail(subject, "zero amount")
    if st.emissions_at(u.year, u.entity, u.position) == 0:
        res.fail(subject, f"{u.entity} was not a covered entity of {u.year}")
    account = st.accounts.get(u.entity)
    if account is None or account.kind != AccountKind.ENTERPRISE:
        res.fail(subject, f"{u.entity} is not an enterprise account")
    b = st.batches.get(u.batch_id)
    if b is None:
        res.fail(subject, f"batch {u.batch_id} has no BatchIssued event")
        return
    if b.kind != MethodologyKind.PROJECT:
        res.fail(subject, f"batch {b.id} is personal points, not eligible")
    if not min_vintage <= b.vintage <= max_vintage:
        res.fail(subject, f"vintage {b.vintage} outside [{min_vintage}, {max_vintage}]")
    project = st.projects.get(b.project_id)
    methodology = project.methodology_id if project else 0
    if not st.eligible_at(u.year, methodology, u.position):
        res.fail(subject, f"methodology {methodology} of batch {b.id} not eligible in {u.year}")


def _use_lock(res: CheckResult, st: LedgerState, uid: int) -> None:
    u, subject = st.compliance_uses[uid], f"compliance use {uid}"
    lock = st.locks.get(u.lock_id)
    if lock is None:
        res.fail(subject, f"lock {u.lock_id} has no CreditsLocked event")
        return
    rebuilt = (u.entity, u.batch_id, u.amount, compliance_destination(u.year), u.tx_hash)
    found = (lock.holder, lock.batch_id, lock.amount, lock.destination_hash, lock.tx_hash)
    names = ("holder", "batch", "amount", "destination", "transaction")
    diffs = [
        f"{n} {show(f)} vs {show(r)}"
        for n, r, f in zip(names, rebuilt, found, strict=True)
        if r != f
    ]
    if diffs:
        res.fail(subject, f"lock {lock.id} differs: " + "; ".join(diffs))
    if LOCK_OF_USE.get(ComplianceUseStatus(u.status)) != lock.status:
        res.fail(
            subject,
            f"status {ComplianceUseStatus(u.status).name}, lock {lock.id} "
            f"{LockStatus(lock.status).name}",
        )
    if u.status == ComplianceUseStatus.EXPORTED:
        c = st.cancellations.get(u.cancellation_id)
        if c is None or (c.batch_id, c.amount, c.reference_hash) != (
            u.batch_id,
            u.amount,
            u.market_reference,
        ):
            res.fail(subject, f"export cancellation {u.cancellation_id} does not match the use")


def _views_within_caps(res: CheckResult, ctx: AuditContext) -> None:
    """The same rules on the views: each use's lock, and Σ pending + exported ≤ cap."""
    snap = ctx.snapshot
    used: dict[tuple[int, str], int] = defaultdict(int)
    for uid, view in sorted(snap.compliance_uses.items()):
        if not isinstance(view, dict) or not exists(view):
            continue
        subject = f"compliance use {uid}"
        key = (int(view["year"]), view["entity"])
        status = int(view["status"])
        if status in (ComplianceUseStatus.PENDING, ComplianceUseStatus.EXPORTED):
            used[key] += int(view["amount"])
        lock = snap.locks.get(int(view["lockId"]))
        if not isinstance(lock, dict) or not exists(lock):
            res.fail(subject, f"views: lock {view['lockId']} not readable")
            continue
        mine = (view["entity"], int(view["batchId"]), int(view["amount"]))
        theirs = (lock["holder"], int(lock["batchId"]), int(lock["amount"]))
        if mine != theirs:
            res.fail(subject, f"views: use {mine} ≠ getLock({view['lockId']}) {theirs}")
        expected_lock = (
            LOCK_OF_USE.get(ComplianceUseStatus(status)) if status in (1, 2, 3) else None
        )
        if expected_lock != lock["status"]:
            res.fail(subject, f"views: status {status}, lock status {lock['status']}")
    for key in sorted(set(used) | set(snap.covered)):  # the views hold only the final state
        entity = snap.covered.get(key)
        terms = snap.compliance_years.get(key[0])
        if not isinstance(entity, dict) or not isinstance(terms, dict):
            continue
        cap = _cap(int(entity["verifiedEmissions"]), int(terms["capBps"]))
        subject = f"entity {key[1]} year {key[0]}"
        if used[key] > cap and not _above_cap_by_events(ctx.state, key):
            res.fail(subject, f"views: Σ pending + exported uses {used[key]} g > cap {cap} g")
        if int(entity["used"]) != used[key]:
            res.fail(subject, f"views: coveredEntity.used {entity['used']} ≠ Σ uses {used[key]}")


def _above_cap_by_events(st: LedgerState, key: tuple[int, str]) -> bool:
    """Whether the replayed events leave the entity above its cap (re-set terms, a note)."""
    rec, year = st.covered.get(key), st.compliance_years.get(key[0])
    return (
        rec is not None
        and year is not None
        and rec.used > _cap(rec.verified_emissions, year.cap_bps)
    )


# --------------------------------------------------------------------------- redemptions


def check_redemptions(ctx: AuditContext) -> CheckResult:
    """Each redemption moved exactly its points from the citizen to the aggregator in its tx."""
    res = CheckResult("redemptions", "Points redeemed to the aggregator", "7")
    st = ctx.state
    for rid in sorted(st.redemptions):
        res.checked += 1
        r, subject = st.redemptions[rid], f"redemption {rid}"
        if not r.transferred:
            res.fail(
                subject,
                f"no transfer of {r.amount} from {r.citizen} to {r.aggregator} of batch "
                f"{r.batch_id} in the same transaction",
            )
        if r.aggregator != r.aggregator_then:
            res.fail(subject, f"paid to {r.aggregator}, the aggregator was {r.aggregator_then}")
        b = st.batches.get(r.batch_id)
        if b is None or b.kind != MethodologyKind.PERSONAL_SCENARIO:
            res.fail(subject, f"batch {r.batch_id} is not a personal points batch")
        account = st.accounts.get(r.citizen)
        if account is None or account.kind != AccountKind.INDIVIDUAL:
            res.fail(subject, f"{r.citizen} is not an individual account")
        if r.amount <= 0:
            res.fail(subject, "zero amount")
        if r.incentive_reference == bytes(32):
            res.fail(subject, "no incentive reference")
    return res


# --------------------------------------------------------------------------- views


def market_views(res: CheckResult, ctx: AuditContext) -> None:
    """The market's part of state_matches_views: every market view against the events."""
    st, snap, dep = ctx.state, ctx.snapshot, ctx.deployment
    if st.market_connected != dep.market:
        res.fail("ledger", f"MarketConnected names {st.market_connected}, manifest {dep.market}")
    expected: dict[str, Any] = {
        "market.registry": dep.registry,
        "market.ledger": dep.ledger,
        "market.complianceUseCount": len(st.compliance_uses),
        "market.importCount": len(st.imports),
        "market.redemptionCount": len(st.redemptions),
    }
    compare(res, "market configuration", expected, snap.config)
    for year in sorted(st.compliance_years):
        res.checked += 1
        y = st.compliance_years[year]
        rebuilt = {"minVintage": y.min_vintage, "maxVintage": y.max_vintage}
        rebuilt |= {"capBps": y.cap_bps, "closesAt": y.closes_at}
        compare(res, f"compliance year {year}", rebuilt, snap.compliance_years.get(year))
    for (year, mid), view in sorted(snap.eligibility.items()):
        res.checked += 1
        history = st.eligibility.get((year, mid))
        events = history[-1][1] if history else False
        if view != events:
            res.fail(f"eligibility {year} methodology {mid}", f"isEligible {view}, events {events}")
    for entity_key in sorted(snap.covered):
        res.checked += 1
        rec = st.covered.get(entity_key)
        rebuilt = {"verifiedEmissions": rec.verified_emissions if rec else 0}
        rebuilt["used"] = rec.used if rec else 0
        subject = f"entity {entity_key[1]} year {entity_key[0]}"
        compare(res, subject, rebuilt, snap.covered[entity_key])
        year_rec = st.compliance_years.get(entity_key[0])
        cap_bps = year_rec.cap_bps if year_rec else 0
        available = max(0, _cap(rebuilt["verifiedEmissions"], cap_bps) - rebuilt["used"])
        view_available = snap.available_cap.get(entity_key)
        if view_available != available:
            res.fail(subject, f"availableCap view {show(view_available)}, events {available}")
    compare_entities(res, "compliance use", st.compliance_uses, snap.compliance_uses, _use_fields)
    compare_entities(res, "import", st.imports, snap.imports, _import_fields)
    compare_entities(res, "redemption", st.redemptions, snap.redemptions, _redemption_fields)


def _use_fields(u: Any) -> dict[str, Any]:
    return {
        "entity": u.entity,
        "year": u.year,
        "status": u.status,
        "batchId": u.batch_id,
        "amount": u.amount,
        "lockId": u.lock_id,
        "requestedAt": u.requested_at,
        "marketReference": u.market_reference,
    }


def _import_fields(i: Any) -> dict[str, Any]:
    return {
        "partner": i.partner,
        "batchId": i.batch_id,
        "importedAt": i.imported_at,
        "originSerialStart": i.origin_serial_start,
        "originSerialEnd": i.origin_serial_end,
        "digest": i.digest,
    }


def _redemption_fields(r: Any) -> dict[str, Any]:
    return {
        "citizen": r.citizen,
        "batchId": r.batch_id,
        "redeemedAt": r.redeemed_at,
        "amount": r.amount,
        "aggregator": r.aggregator,
        "incentiveReference": r.incentive_reference,
    }
