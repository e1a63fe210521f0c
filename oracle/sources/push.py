"""Authenticated HTTP push for partner apps (metro, bike-share, grid…), as a FastAPI app.

A partner signs each request with its own HMAC-SHA256 key over ``timestamp.nonce.body``:

    X-Partner:   partner name (configured in ORACLE_PARTNER_KEYS / ORACLE_PARTNER_FEEDS)
    X-Timestamp: unix seconds; refused if more than ``push_max_skew_seconds`` from now
    X-Nonce:     unique per request (8-128 chars); a reused nonce is refused as a replay
    X-Signature: hex HMAC-SHA256(key, f"{timestamp}.{nonce}.".encode() + body)

Metrics for Prometheus at ``GET /metrics`` (``oracle.metrics.PushMetrics``): each authenticated
partner's clock skew, skew refusals, requests by outcome and records accepted or quarantined.

The body is ``{"records": [...]}`` with the same fields as the partner's file feed. Records go
through the same validation and quarantine as files; the batch is kept for verifiers as a JSONL
copy in which each user id is already replaced by its pseudonym, so no raw id is stored.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, Any, Final

from fastapi import FastAPI, Header, Path, Query, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from oracle.errors import OracleError
from oracle.ingest import PSEUDONYM_PREFIX, pseudonymize
from oracle.metrics import PushMetrics
from oracle.models import PushNonce, Record, Run, RunStatus
from oracle.service import Oracle
from oracle.sources._base import InputFormat

MAX_BODY_BYTES: Final = 8 * 1024 * 1024
MAX_RECORDS: Final = 10_000
_NONCE: Final = re.compile(r"[A-Za-z0-9._:\-]{8,128}")


class PushError(OracleError):
    """A push request refused before any record was looked at."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.http_status = status
        self.code = code


class PushSummary(BaseModel):
    """What a push did with the batch."""

    input_sha256: str = Field(description="sha256 of the stored pseudonymized batch")
    run_id: int = Field(description="Run the records went to")
    lines: int = Field(description="Records in the batch")
    accepted: int = Field(description="Records accepted")
    quarantined: int = Field(description="Records quarantined (see the oracle's status)")
    already_ingested: bool = Field(description="The same batch had been ingested before")
    problems: dict[str, int] = Field(description="Quarantine reason code → count")


class ErrorBody(BaseModel):
    """Error response."""

    error: str = Field(description="Machine-readable error code")
    detail: str = Field(description="What was wrong")


def sign_push(key: bytes, timestamp: int, nonce: str, body: bytes) -> str:
    """Return the hex X-Signature a partner sends for a body."""
    return hmac.new(key, f"{timestamp}.{nonce}.".encode() + body, hashlib.sha256).hexdigest()


def create_app(
    oracle: Oracle, clock: Callable[[], float] = time.time, metrics: PushMetrics | None = None
) -> FastAPI:
    """Build the push API over an oracle service.

    Args:
        oracle: The oracle service (store and settings).
        clock: Time source, replaceable in tests.
        metrics: Where to count (a fresh registry by default), served at ``/metrics``.
    """
    app = FastAPI(title="WHCI oracle push API", version="1")
    settings = oracle.settings
    metrics = metrics or PushMetrics()
    metrics.skew_allowed.set(settings.push_max_skew_seconds)
    app.state.metrics = metrics

    @app.exception_handler(OracleError)
    async def _oracle_error(_request: Request, error: OracleError) -> JSONResponse:
        code = getattr(error, "code", type(error).__name__)
        metrics.requests.labels(str(code)).inc()
        return JSONResponse({"error": code, "detail": str(error)}, status_code=error.http_status)

    @app.get("/metrics", include_in_schema=False)
    def prometheus_metrics() -> Response:
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    @app.post(
        "/v1/projects/{project_id}/records",
        response_model=PushSummary,
        responses={
            400: {"model": ErrorBody},
            401: {"model": ErrorBody},
            409: {"model": ErrorBody},
            413: {"model": ErrorBody},
            415: {"model": ErrorBody},
            422: {"model": ErrorBody},
        },
        summary="Push a batch of activity records for a project's open monitoring period",
    )
    async def push_records(
        request: Request,
        project_id: Annotated[int, Path(ge=1, description="Project the records are for")],
        x_partner: Annotated[str, Header(description="Partner name")],
        x_timestamp: Annotated[str, Header(description="Unix seconds")],
        x_nonce: Annotated[str, Header(description="Unique request nonce")],
        x_signature: Annotated[str, Header(description="hex HMAC-SHA256")],
        run_id: Annotated[int | None, Query(description="Run, if several are open")] = None,
    ) -> PushSummary:
        body = await request.body()
        _authenticate(settings.partner_keys, x_partner, x_timestamp, x_nonce, x_signature, body)
        now = clock()
        _check_skew(metrics, x_partner, now - int(x_timestamp), settings.push_max_skew_seconds)
        if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
            raise PushError(415, "unsupported_media_type", "send application/json")
        if len(body) > MAX_BODY_BYTES:
            raise PushError(413, "too_large", f"body above {MAX_BODY_BYTES} bytes")
        records = _records(body)
        feed_name = settings.partner_feeds.get(x_partner)
        if feed_name is None:
            raise PushError(401, "unknown_partner", "partner has no feed configured")
        target = _open_run(oracle, project_id, run_id)
        _claim_nonce(oracle, x_partner, x_nonce, int(now))
        _refuse_replayed_batch(oracle, x_partner, records)
        copy = _pseudonymized_copy(records, settings.salt(), x_partner)
        settings.inputs_dir.mkdir(parents=True, exist_ok=True)
        sha = hashlib.sha256(copy).hexdigest()
        (settings.inputs_dir / f"{sha}.jsonl").write_bytes(copy)
        summary = oracle.ingest(
            target, feed_name, copy, InputFormat.JSONL, f"push:{x_nonce}", x_partner,
            pseudonymized=True,
        )  # fmt: skip
        metrics.requests.labels("accepted").inc()
        metrics.records.labels(x_partner, "accepted").inc(summary.accepted)
        metrics.records.labels(x_partner, "quarantined").inc(summary.quarantined)
        return PushSummary(
            input_sha256=summary.input_sha256,
            run_id=summary.run_id,
            lines=summary.lines,
            accepted=summary.accepted,
            quarantined=summary.quarantined,
            already_ingested=summary.already_ingested,
            problems=summary.problems,
        )

    return app


def _authenticate(
    keys: dict[str, Any], partner: str, timestamp: str, nonce: str, signature: str, body: bytes
) -> None:
    key = keys.get(partner)
    if key is None:
        raise PushError(401, "unknown_partner", "unknown partner")
    if not timestamp.isascii() or not timestamp.isdigit() or len(timestamp) > 12:
        raise PushError(401, "bad_timestamp", "X-Timestamp must be unix seconds")
    if _NONCE.fullmatch(nonce) is None:
        raise PushError(401, "bad_nonce", "X-Nonce must be 8-128 characters of A-Z a-z 0-9 . _ : -")
    expected = sign_push(key.get_secret_value().encode(), int(timestamp), nonce, body)
    if not hmac.compare_digest(expected, signature.lower()):
        raise PushError(401, "bad_signature", "X-Signature does not match the body")


def _check_skew(metrics: PushMetrics, partner: str, skew: float, allowed: int) -> None:
    """Refuse a request whose X-Timestamp is more than `allowed` seconds off the oracle's clock.

    The window bounds how long a captured request could be replayed (nonces are kept) and
    catches a partner, or the oracle, whose clock drifted (FAULTS.md row 16). Only called
    for authenticated partners, so the metric labels are the configured partner names.
    """
    metrics.observe_skew(partner, skew)
    if abs(skew) > allowed:
        metrics.skew_refusals.labels(partner).inc()
        direction = "behind" if skew > 0 else "ahead of"
        raise PushError(
            401,
            "stale_timestamp",
            f"X-Timestamp is {abs(skew):.0f} s {direction} the oracle's clock; at most "
            f"{allowed} s of clock skew is accepted (check the partner's clock)",
        )


def _records(body: bytes) -> list[Any]:
    try:
        document = json.loads(body, parse_float=Decimal, parse_constant=_no_constant)
    except (ValueError, UnicodeDecodeError) as error:
        raise PushError(400, "malformed_json", f"body is not JSON: {str(error)[:80]}") from None
    records = document.get("records") if isinstance(document, dict) else None
    if not isinstance(records, list) or not records:
        raise PushError(422, "no_records", 'body must be {"records": [ ...one or more... ]}')
    if len(records) > MAX_RECORDS:
        raise PushError(413, "too_many_records", f"at most {MAX_RECORDS} records a request")
    return records


def _no_constant(name: str) -> object:
    raise ValueError(f"{name} is not a number")


def _open_run(oracle: Oracle, project_id: int, run_id: int | None) -> int:
    with oracle.store.session() as session:
        runs = session.scalars(
            select(Run.id).where(Run.project_id == project_id, Run.status == RunStatus.OPEN)
        ).all()
    if run_id is not None and run_id in runs:
        return run_id
    if len(runs) == 1 and run_id is None:
        return runs[0]
    if not runs:
        raise PushError(409, "no_open_period", f"project {project_id} has no open period")
    raise PushError(409, "ambiguous_period", f"project {project_id}: give run_id, one of {runs}")


def _claim_nonce(oracle: Oracle, partner: str, nonce: str, now: int) -> None:
    try:
        with oracle.store.session() as session:
            session.add(PushNonce(partner=partner, nonce=nonce, seen_at=now))
    except IntegrityError:
        raise PushError(409, "replayed_nonce", "this X-Nonce was already used") from None


def _refuse_replayed_batch(oracle: Oracle, partner: str, records: list[Any]) -> None:
    """Refuse a batch carrying any record id already accepted from this partner.

    A partner resends only what was quarantined (fixed); an accepted record sent again is a
    replay, and the whole batch is refused so the partner learns it at once.
    """
    ids = sorted(
        {
            r["record_id"]
            for r in records
            if isinstance(r, dict) and isinstance(r.get("record_id"), str)
        }
    )
    seen: list[str] = []
    with oracle.store.session() as session:
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            seen += session.scalars(
                select(Record.record_id).where(
                    Record.source == partner, Record.record_id.in_(chunk)
                )
            )
    if seen:
        raise PushError(
            409, "replayed_records", f"{len(seen)} record id(s) already accepted, e.g. {seen[0]}"
        )


def _pseudonymized_copy(records: list[Any], salt: bytes, partner: str) -> bytes:
    lines = []
    for record in records:
        if isinstance(record, dict) and isinstance(record.get("user_id"), str):
            user = str(record["user_id"])
            record = {**record, "user_id": PSEUDONYM_PREFIX + pseudonymize(salt, partner, user)}
        lines.append(json.dumps(record, sort_keys=True, separators=(",", ":"), default=_plain))
    return ("\n".join(lines) + "\n").encode()


def _plain(value: object) -> object:
    if isinstance(value, Decimal):
        return f"{value:f}"
    raise TypeError(f"{type(value).__name__} is not JSON")
