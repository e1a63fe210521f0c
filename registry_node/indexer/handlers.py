"""Event handlers: each turns one decoded contract event into projection ops.

Pure functions of the event (no database reads), so that undoing an event on a reorg runs the
same handler and inverts its ops. Role events and other configuration logs are kept in
`event_logs` only.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, cast

from sqlalchemy import Table

from carbon_chain.domain import (
    CancellationKind,
    LockStatus,
    MethodologyStatus,
    ProjectStatus,
    ReportStatus,
    RetirementPurpose,
)
from carbon_chain.events import DecodedEvent
from registry_node.db import Base
from registry_node.indexer.ops import Add, Assign, Insert, Op, Update, Upsert
from registry_node.models import index as m

ZERO = "0x" + "0" * 40

Handler = Callable[[DecodedEvent, int | None], list[Op]]


def _table(model: type[Base]) -> Table:
    return cast(Table, model.__table__)


T_ACCOUNTS = _table(m.Account)
T_METHODOLOGIES = _table(m.Methodology)
T_PROJECTS = _table(m.Project)
T_REPORTS = _table(m.Report)
T_BATCHES = _table(m.Batch)
T_BALANCES = _table(m.Balance)
T_CLAIMS = _table(m.Claim)
T_RETIREMENTS = _table(m.Retirement)
T_CANCELLATIONS = _table(m.Cancellation)
T_LOCKS = _table(m.Lock)
T_EVENTS = _table(m.CarbonEvent)
T_RECOVERIES = _table(m.Recovery)
T_STATUS = _table(m.StatusChange)
T_SETTINGS = _table(m.ChainSetting)
T_TRANSFERS = _table(m.Transfer)
T_YEARS = _table(m.ComplianceYear)
T_ELIGIBILITY = _table(m.ComplianceEligibility)
T_ENTITIES = _table(m.CoveredEntity)
T_USES = _table(m.ComplianceUse)
T_IMPORTS = _table(m.CreditImport)
T_REDEMPTIONS = _table(m.Redemption)

# ComplianceUseStatus of CarbonMarket (types/MarketTypes.sol).
USE_PENDING, USE_EXPORTED, USE_RELEASED = 1, 2, 3


def hx(value: bytes) -> str:
    """Return 0x hex of bytes (hashes)."""
    return "0x" + bytes(value).hex()


def _origin(ev: DecodedEvent) -> dict[str, Any]:
    return {"block_number": ev.block_number, "tx_hash": hx(ev.tx_hash)}


def _status_change(
    ev: DecodedEvent, subject: str, subject_id: Any, prev: int, new: int, reason: str
) -> Insert:
    return Insert(
        T_STATUS,
        {
            "tx_hash": hx(ev.tx_hash),
            "log_index": ev.log_index,
            "subject": subject,
            "subject_id": str(subject_id),
            "previous": prev,
            "status": new,
            "reason": reason,
            "block_number": ev.block_number,
        },
    )


def _balance(batch_id: int, holder: str, delta: int) -> Add:
    return Add(
        T_BALANCES, (("batch_id", batch_id), ("holder", holder)), (("amount", delta),), upsert=True
    )


def _batch_add(batch_id: int, column: str, delta: int) -> Add:
    return Add(T_BATCHES, (("batch_id", batch_id),), ((column, delta),))


# ---------------------------------------------------------------------- ledger: balances


def _transfer(ev: DecodedEvent, item: int, batch_id: int, value: int, t: int | None) -> Insert:
    # Mints and burns too (sender or recipient ZERO): account statements read only this table.
    row = {
        "tx_hash": hx(ev.tx_hash),
        "log_index": ev.log_index,
        "item": item,
        "batch_id": batch_id,
        "sender": ev.args["from"],
        "recipient": ev.args["to"],
        "amount": value,
        "block_number": ev.block_number,
        "block_time": t,
    }
    return Insert(T_TRANSFERS, row)


def transfer_single(ev: DecodedEvent, block_time: int | None) -> list[Op]:
    a = ev.args
    ops: list[Op] = []
    if a["from"] != ZERO:
        ops.append(_balance(a["id"], a["from"], -a["value"]))
    if a["to"] != ZERO:
        ops.append(_balance(a["id"], a["to"], a["value"]))
    ops.append(_transfer(ev, 0, a["id"], a["value"], block_time))
    return ops


def transfer_batch(ev: DecodedEvent, block_time: int | None) -> list[Op]:
    a = ev.args
    ops: list[Op] = []
    for item, (batch_id, value) in enumerate(zip(a["ids"], a["values"], strict=True)):
        if a["from"] != ZERO:
            ops.append(_balance(batch_id, a["from"], -value))
        if a["to"] != ZERO:
            ops.append(_balance(batch_id, a["to"], value))
        ops.append(_transfer(ev, item, batch_id, value, block_time))
    return ops


# ---------------------------------------------------------------------- ledger: accounts


def account_registered(ev: DecodedEvent, _t: int | None) -> list[Op]:
    a = ev.args
    row = {
        "address": a["account"],
        "kind": a["kind"],
        "status": 1,  # AccountStatus.ACTIVE
        "region": a["region"],
        "record_hash": hx(a["recordHash"]),
        **_origin(ev),
    }
    return [Insert(T_ACCOUNTS, row)]


def account_status_changed(ev: DecodedEvent, _t: int | None) -> list[Op]:
    a = ev.args
    return [
        Update(
            T_ACCOUNTS,
            {"address": a["account"]},
            {"status": a["status"]},
            {"status": a["previous"]},
        ),
        _status_change(ev, "account", a["account"], a["previous"], a["status"], a["reason"]),
    ]


def account_recovered(ev: DecodedEvent, _t: int | None) -> list[Op]:
    a = ev.args
    moved = [[str(b), str(v)] for b, v in zip(a["batchIds"], a["amounts"], strict=True)]
    row = {
        "tx_hash": hx(ev.tx_hash),
        "log_index": ev.log_index,
        "lost": a["lost"],
        "replacement": a["replacement"],
        "batches": json.dumps(moved),
        "block_number": ev.block_number,
    }
    return [Insert(T_RECOVERIES, row)]


def _setting(key: str, value: str, previous: str) -> Upsert:
    return Upsert(T_SETTINGS, {"key": key}, {"value": value}, {"value": previous})


def aggregator_changed(ev: DecodedEvent, _t: int | None) -> list[Op]:
    return [_setting("aggregator", ev.args["aggregator"], ev.args["previous"])]


def buffer_changed(ev: DecodedEvent, _t: int | None) -> list[Op]:
    return [_setting("buffer_account", ev.args["bufferAccount"], ev.args["previous"])]


def pause_changed(ev: DecodedEvent, _t: int | None) -> list[Op]:
    paused = bool(ev.args["paused"])
    return [_setting("paused", json.dumps(paused), json.dumps(not paused))]


def threshold_changed(ev: DecodedEvent, _t: int | None) -> list[Op]:
    return [_setting("verifier_threshold", str(ev.args["threshold"]), str(ev.args["previous"]))]


def notice_changed(ev: DecodedEvent, _t: int | None) -> list[Op]:
    return [_setting("notice_period", str(ev.args["noticePeriod"]), str(ev.args["previous"]))]


# ---------------------------------------------------------------------- registry


def methodology_registered(ev: DecodedEvent, _t: int | None) -> list[Op]:
    a = ev.args
    row = {
        "methodology_id": a["methodologyId"],
        "code": a["code"],
        "version": a["version"],
        "sector": a["sector"],
        "kind": a["kind"],
        "document_hash": hx(a["documentHash"]),
        "point_validity": a["pointValidity"],
        "status": int(MethodologyStatus.ACTIVE),
        **_origin(ev),
    }
    return [Insert(T_METHODOLOGIES, row)]


def methodology_deprecated(ev: DecodedEvent, _t: int | None) -> list[Op]:
    mid = ev.args["methodologyId"]
    active, deprecated = int(MethodologyStatus.ACTIVE), int(MethodologyStatus.DEPRECATED)
    return [
        Update(
            T_METHODOLOGIES, {"methodology_id": mid}, {"status": deprecated}, {"status": active}
        ),
        _status_change(ev, "methodology", mid, active, deprecated, ev.args["reason"]),
    ]


def project_proposed(ev: DecodedEvent, _t: int | None) -> list[Op]:
    a = ev.args
    row = {
        "project_id": a["projectId"],
        "methodology_id": a["methodologyId"],
        "proponent": a["proponent"],
        "region": a["region"],
        "notice_ends_at": a["noticeEndsAt"],
        "metadata_hash": hx(a["metadataHash"]),
        "metadata_uri": a["metadataURI"],
        "status": int(ProjectStatus.PROPOSED),
        **_origin(ev),
    }
    return [Insert(T_PROJECTS, row)]


def project_status_changed(ev: DecodedEvent, _t: int | None) -> list[Op]:
    a = ev.args
    pid = a["projectId"]
    return [
        Update(T_PROJECTS, {"project_id": pid}, {"status": a["status"]}, {"status": a["previous"]}),
        _status_change(ev, "project", pid, a["previous"], a["status"], a["reason"]),
    ]


def report_verified(ev: DecodedEvent, _t: int | None) -> list[Op]:
    a = ev.args
    r = a["report"]
    row = {
        "report_id": a["reportId"],
        "digest": hx(a["digest"]),
        "project_id": r["projectId"],
        "methodology_id": r["methodologyId"],
        "period_start": r["periodStart"],
        "period_end": r["periodEnd"],
        "submitted_at": r["submittedAt"],
        "deadline": a["deadline"],
        "status": r["status"],
        "quantity": r["quantity"],
        "data_root": hx(r["dataRoot"]),
        "evidence_hash": hx(r["evidenceHash"]),
        "signers": json.dumps(a["signers"]),
        **_origin(ev),
    }
    return [Insert(T_REPORTS, row)]


def report_rejected(ev: DecodedEvent, _t: int | None) -> list[Op]:
    rid = ev.args["reportId"]
    verified, rejected = int(ReportStatus.VERIFIED), int(ReportStatus.REJECTED)
    return [
        Update(T_REPORTS, {"report_id": rid}, {"status": rejected}, {"status": verified}),
        _status_change(ev, "report", rid, verified, rejected, ev.args["reason"]),
    ]


def event_registered(ev: DecodedEvent, _t: int | None) -> list[Op]:
    a = ev.args
    row = {
        "event_id": a["eventId"],
        "organiser": a["organiser"],
        "name": a["name"],
        "region": a["region"],
        "starts_at": a["startsAt"],
        "ends_at": a["endsAt"],
        "footprint": a["footprint"],
        "evidence_hash": hx(a["evidenceHash"]),
        "retired": 0,
        "neutralised": False,
        "neutralised_block": None,
        **_origin(ev),
    }
    return [Insert(T_EVENTS, row)]


def event_neutralised(ev: DecodedEvent, _t: int | None) -> list[Op]:
    return [
        Update(
            T_EVENTS,
            {"event_id": ev.args["eventId"]},
            {"neutralised": True, "neutralised_block": ev.block_number},
            {"neutralised": False, "neutralised_block": None},
        )
    ]


# ---------------------------------------------------------------------- ledger: supply


def batch_issued(ev: DecodedEvent, _t: int | None) -> list[Op]:
    a = ev.args
    b = a["batch"]
    row = {
        "batch_id": a["batchId"],
        "report_id": a["reportId"],
        "project_id": b["projectId"],
        "recipient": None if a["recipient"] == ZERO else a["recipient"],
        "serial_start": b["serialStart"],
        "vintage": b["vintage"],
        "kind": b["kind"],
        "quantity": b["quantity"],
        "buffer_amount": b["bufferAmount"],
        "claim_deadline": b["claimDeadline"],
        "expires_at": b["expiresAt"],
        "merkle_root": hx(b["merkleRoot"]),
        "distribution_closed": bool(b["distributionClosed"]),
        "claimed": 0,
        "retired": 0,
        "cancelled": 0,
        **_origin(ev),
    }
    return [Insert(T_BATCHES, row)]


def allocation_claimed(ev: DecodedEvent, _t: int | None) -> list[Op]:
    a = ev.args
    row = {"batch_id": a["batchId"], "account": a["account"], "amount": a["amount"], **_origin(ev)}
    return [Insert(T_CLAIMS, row), _batch_add(a["batchId"], "claimed", a["amount"])]


def credits_retired(ev: DecodedEvent, block_time: int | None) -> list[Op]:
    a = ev.args
    for_event = a["purpose"] == RetirementPurpose.EVENT_NEUTRALITY
    event_id = int.from_bytes(a["referenceHash"], "big") if for_event else None
    row = {
        "certificate_id": a["certificateId"],
        "batch_id": a["batchId"],
        "holder": a["holder"],
        "beneficiary": a["beneficiary"],
        "amount": a["amount"],
        "purpose": a["purpose"],
        "reference_hash": hx(a["referenceHash"]),
        "region": a["region"],
        "event_id": event_id,
        "block_time": block_time,
        "log_index": ev.log_index,
        **_origin(ev),
    }
    ops: list[Op] = [Insert(T_RETIREMENTS, row), _batch_add(a["batchId"], "retired", a["amount"])]
    if event_id is not None:
        ops.append(Add(T_EVENTS, (("event_id", event_id),), (("retired", a["amount"]),)))
    return ops


def credits_cancelled(ev: DecodedEvent, block_time: int | None) -> list[Op]:
    a = ev.args
    row = {
        "cancellation_id": a["cancellationId"],
        "batch_id": a["batchId"],
        "holder": a["holder"],
        "amount": a["amount"],
        "kind": a["kind"],
        "reference_hash": hx(a["referenceHash"]),
        "reason": a["reason"],
        "block_time": block_time,
        "log_index": ev.log_index,
        **_origin(ev),
    }
    ops: list[Op] = [
        Insert(T_CANCELLATIONS, row),
        _batch_add(a["batchId"], "cancelled", a["amount"]),
    ]
    if a["kind"] == CancellationKind.UNCLAIMED:
        key = {"batch_id": a["batchId"]}
        ops.append(
            Update(T_BATCHES, key, {"distribution_closed": True}, {"distribution_closed": False})
        )
    return ops


def credits_locked(ev: DecodedEvent, _t: int | None) -> list[Op]:
    a = ev.args
    row = {
        "lock_id": a["lockId"],
        "batch_id": a["batchId"],
        "holder": a["holder"],
        "amount": a["amount"],
        "destination_hash": hx(a["destinationHash"]),
        "status": int(LockStatus.LOCKED),
        "cancellation_id": None,
        "export_reference_hash": None,
        "release_reason": None,
        **_origin(ev),
    }
    return [Insert(T_LOCKS, row)]


def lock_exported(ev: DecodedEvent, _t: int | None) -> list[Op]:
    a = ev.args
    values = {
        "status": int(LockStatus.EXPORTED),
        "cancellation_id": a["cancellationId"],
        "export_reference_hash": hx(a["referenceHash"]),
    }
    previous = {
        "status": int(LockStatus.LOCKED),
        "cancellation_id": None,
        "export_reference_hash": None,
    }
    return [Update(T_LOCKS, {"lock_id": a["lockId"]}, values, previous)]


def lock_released(ev: DecodedEvent, _t: int | None) -> list[Op]:
    a = ev.args
    values = {"status": int(LockStatus.RELEASED), "release_reason": a["reason"]}
    previous = {"status": int(LockStatus.LOCKED), "release_reason": None}
    return [Update(T_LOCKS, {"lock_id": a["lockId"]}, values, previous)]


def market_connected(ev: DecodedEvent, _t: int | None) -> list[Op]:
    # setMarket succeeds once (LedgerMarketAlreadySet), so an insert undoes exactly.
    return [Insert(T_SETTINGS, {"key": "market", "value": ev.args["market"]})]


# ---------------------------------------------------------------------- market: compliance


def compliance_year_set(ev: DecodedEvent, _t: int | None) -> list[Op]:
    t = ev.args["terms"]
    values = {
        "min_vintage": t["minVintage"],
        "max_vintage": t["maxVintage"],
        "cap_bps": t["capBps"],
        "closes_at": t["closesAt"],
        **_origin(ev),
    }
    return [Assign(T_YEARS, {"year": ev.args["year"]}, values)]


def methodology_eligibility_set(ev: DecodedEvent, _t: int | None) -> list[Op]:
    a = ev.args
    key = {"year": a["year"], "methodology_id": a["methodologyId"]}
    return [Assign(T_ELIGIBILITY, key, {"eligible": bool(a["eligible"]), **_origin(ev)})]


def covered_entity_set(ev: DecodedEvent, _t: int | None) -> list[Op]:
    a = ev.args
    key = {"year": a["year"], "entity": a["entity"]}
    values = {"verified_emissions": a["verifiedEmissions"], "cap": a["cap"], **_origin(ev)}
    return [Assign(T_ENTITIES, key, values)]


def compliance_use_requested(ev: DecodedEvent, block_time: int | None) -> list[Op]:
    a = ev.args
    row = {
        "use_id": a["useId"],
        "year": a["year"],
        "entity": a["entity"],
        "batch_id": a["batchId"],
        "amount": a["amount"],
        "lock_id": a["lockId"],
        "status": USE_PENDING,
        "requested_at": block_time,
        "market_reference": None,
        "cancellation_id": None,
        "settled_at": None,
        "settled_block_number": None,
        "settled_tx_hash": None,
        "release_reason": None,
        **_origin(ev),
    }
    return [Insert(T_USES, row)]


_UNSETTLED = {
    "status": USE_PENDING,
    "settled_at": None,
    "settled_block_number": None,
    "settled_tx_hash": None,
}


def _settled(ev: DecodedEvent, status: int, block_time: int | None) -> dict[str, Any]:
    return {
        "status": status,
        "settled_at": block_time,
        "settled_block_number": ev.block_number,
        "settled_tx_hash": hx(ev.tx_hash),
    }


def compliance_use_exported(ev: DecodedEvent, block_time: int | None) -> list[Op]:
    a = ev.args
    values = {
        **_settled(ev, USE_EXPORTED, block_time),
        "cancellation_id": a["cancellationId"],
        "market_reference": hx(a["marketReference"]),
    }
    previous = {**_UNSETTLED, "cancellation_id": None, "market_reference": None}
    return [Update(T_USES, {"use_id": a["useId"]}, values, previous)]


def compliance_use_released(ev: DecodedEvent, block_time: int | None) -> list[Op]:
    a = ev.args
    values = {**_settled(ev, USE_RELEASED, block_time), "release_reason": a["reason"]}
    previous = {**_UNSETTLED, "release_reason": None}
    return [Update(T_USES, {"use_id": a["useId"]}, values, previous)]


# ---------------------------------------------------------------------- market: imports, points


def credits_imported(ev: DecodedEvent, block_time: int | None) -> list[Op]:
    a = ev.args
    i = a["input"]
    row = {
        "import_id": a["importId"],
        "batch_id": a["batchId"],
        "partner": a["partner"],
        "origin_serial_start": i["originSerialStart"],
        "origin_serial_end": i["originSerialEnd"],
        "project_id": i["projectId"],
        "period_start": i["periodStart"],
        "period_end": i["periodEnd"],
        "vintage": i["vintage"],
        "recipient": i["recipient"],
        "evidence_hash": hx(i["evidenceHash"]),
        "deadline": i["deadline"],
        "digest": hx(a["digest"]),
        "imported_at": block_time,
        **_origin(ev),
    }
    return [Insert(T_IMPORTS, row)]


def points_redeemed(ev: DecodedEvent, block_time: int | None) -> list[Op]:
    a = ev.args
    row = {
        "redemption_id": a["redemptionId"],
        "citizen": a["citizen"],
        "batch_id": a["batchId"],
        "amount": a["amount"],
        "aggregator": a["aggregator"],
        "incentive_reference": hx(a["incentiveReference"]),
        "redeemed_at": block_time,
        **_origin(ev),
    }
    return [Insert(T_REDEMPTIONS, row)]


HANDLERS: dict[tuple[str, str], Handler] = {
    ("CarbonLedger", "TransferSingle"): transfer_single,
    ("CarbonLedger", "TransferBatch"): transfer_batch,
    ("CarbonLedger", "AccountRegistered"): account_registered,
    ("CarbonLedger", "AccountStatusChanged"): account_status_changed,
    ("CarbonLedger", "AccountRecovered"): account_recovered,
    ("CarbonLedger", "AggregatorChanged"): aggregator_changed,
    ("CarbonLedger", "BufferAccountChanged"): buffer_changed,
    ("CarbonLedger", "LedgerPauseChanged"): pause_changed,
    ("CarbonLedger", "BatchIssued"): batch_issued,
    ("CarbonLedger", "AllocationClaimed"): allocation_claimed,
    ("CarbonLedger", "CreditsRetired"): credits_retired,
    ("CarbonLedger", "CreditsCancelled"): credits_cancelled,
    ("CarbonLedger", "CreditsLocked"): credits_locked,
    ("CarbonLedger", "LockExported"): lock_exported,
    ("CarbonLedger", "LockReleased"): lock_released,
    ("CarbonRegistry", "MethodologyRegistered"): methodology_registered,
    ("CarbonRegistry", "MethodologyDeprecated"): methodology_deprecated,
    ("CarbonRegistry", "ProjectProposed"): project_proposed,
    ("CarbonRegistry", "ProjectStatusChanged"): project_status_changed,
    ("CarbonRegistry", "ReportVerified"): report_verified,
    ("CarbonRegistry", "ReportRejected"): report_rejected,
    ("CarbonRegistry", "CarbonEventRegistered"): event_registered,
    ("CarbonRegistry", "CarbonEventNeutralised"): event_neutralised,
    ("CarbonRegistry", "VerifierThresholdChanged"): threshold_changed,
    ("CarbonRegistry", "NoticePeriodChanged"): notice_changed,
    ("CarbonLedger", "MarketConnected"): market_connected,
    ("CarbonMarket", "ComplianceYearSet"): compliance_year_set,
    ("CarbonMarket", "MethodologyEligibilitySet"): methodology_eligibility_set,
    ("CarbonMarket", "CoveredEntitySet"): covered_entity_set,
    ("CarbonMarket", "ComplianceUseRequested"): compliance_use_requested,
    ("CarbonMarket", "ComplianceUseExported"): compliance_use_exported,
    ("CarbonMarket", "ComplianceUseReleased"): compliance_use_released,
    ("CarbonMarket", "CreditsImported"): credits_imported,
    ("CarbonMarket", "PointsRedeemed"): points_redeemed,
}

# Events whose ops are `Assign`s, by the table they assign (for restoring rows on a reorg).
ASSIGNED_BY: dict[str, tuple[str, str]] = {
    T_YEARS.name: ("CarbonMarket", "ComplianceYearSet"),
    T_ELIGIBILITY.name: ("CarbonMarket", "MethodologyEligibilitySet"),
    T_ENTITIES.name: ("CarbonMarket", "CoveredEntitySet"),
}


def ops_for(ev: DecodedEvent, block_time: int | None) -> list[Op]:
    """Return the projection ops of one event ([] for events only kept as logs)."""
    handler = HANDLERS.get((ev.contract, ev.name))
    return handler(ev, block_time) if handler is not None else []


def json_args(value: Any) -> Any:
    """Return decoded args as JSON-safe values: ints as decimal strings, bytes as 0x hex."""
    if isinstance(value, dict):
        return {k: json_args(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_args(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, bytes):
        return hx(value)
    return str(value)
