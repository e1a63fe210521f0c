"""Ingest one input (file or push batch) into an open run: validate, pseudonymize, quarantine.

Every non-blank line of an input ends as exactly one accepted record or one quarantine entry.
An input is identified by the sha256 of its bytes, so ingesting it again changes nothing.
The partner's user id is turned into an HMAC-SHA256 pseudonym here and goes no further.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from oracle.errors import StateError
from oracle.models import (
    Input,
    Participant,
    Project,
    Quarantine,
    Record,
    Run,
    RunStatus,
    table_of,
)
from oracle.sources import FeedSpec, InputFormat, Period, Problem, RecordRejected
from oracle.sources._base import RawLine, ValidRecord, parse_input

PSEUDONYM_PREFIX = "pseudonym:"
_LINES_PER_CHUNK = 50_000
_CHUNK = 500  # bound parameters per IN (...) query; SQLite allows 32766, PostgreSQL 65535


def pseudonymize(salt: bytes, source: str, user_id: str) -> str:
    """Return the participant pseudonym: HMAC-SHA256(salt, source NUL user id), hex."""
    message = source.encode() + b"\x00" + user_id.encode()
    return hmac.new(salt, message, hashlib.sha256).hexdigest()


@dataclass
class IngestSummary:
    """What one ingestion did; printed by the CLI and returned by the push API."""

    input_sha256: str
    source: str
    feed: str
    run_id: int
    lines: int
    accepted: int
    quarantined: int
    already_ingested: bool = False
    problems: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        """Return the summary as plain JSON values."""
        return {
            "input_sha256": self.input_sha256,
            "source": self.source,
            "feed": self.feed,
            "run_id": self.run_id,
            "lines": self.lines,
            "accepted": self.accepted,
            "quarantined": self.quarantined,
            "already_ingested": self.already_ingested,
            "problems": dict(sorted(self.problems.items())),
        }


def ingest_bytes(
    session: Session,
    run: Run,
    spec: FeedSpec,
    source: str,
    data: bytes,
    fmt: InputFormat,
    name: str,
    salt: bytes,
    *,
    pseudonymized: bool = False,
) -> IngestSummary:
    """Validate and store every line of one input for ``run``; the caller commits.

    Args:
        session: Open session; nothing is committed here.
        run: An OPEN run.
        spec: The feed the input belongs to.
        source: Partner name (part of the pseudonym and of record-id uniqueness).
        data: The input's bytes as received.
        fmt: CSV or JSONL.
        name: File name or push nonce, for the operator.
        salt: Pseudonym salt.
        pseudonymized: The ``user_id`` values are already ``pseudonym:<hex>`` (push copies).

    Returns:
        The summary; ``already_ingested`` if these exact bytes were ingested before.

    Raises:
        StateError: the run no longer accepts records, or the input went to another run.
        InputError: the input as a whole cannot be read.
    """
    sha = hashlib.sha256(data).hexdigest()
    seen = session.get(Input, sha)
    if seen is not None:
        if seen.run_id != run.id:
            raise StateError(f"input {sha} was already ingested into run {seen.run_id}")
        return _summary_of(session, seen, already=True)
    if run.status != RunStatus.OPEN:
        raise StateError(f"run {run.id} is {run.status}; it no longer accepts records")
    period = Period(run.project_id, run.period_start, run.period_end)
    known = set(session.scalars(select(Project.project_id)))
    entry = Input(
        sha256=sha, run_id=run.id, source=source, feed=spec.name, name=name[:255],
        lines=0, accepted=0, quarantined=0,
    )  # fmt: skip
    session.add(entry)
    session.flush()
    problems: Counter[str] = Counter()
    # Chunks bound memory: a million-line input is never held as a million parsed rows.
    for chunk in _batched(parse_input(data, fmt), _LINES_PER_CHUNK):
        valid: list[ValidRecord] = []
        rejected: list[tuple[int, Problem, str]] = []
        for raw in chunk:
            if raw.row is None:
                rejected.append((raw.line, Problem.PARSE, raw.error or "unparseable"))
                continue
            try:
                valid.append(spec.validate(raw.row, raw.line, period, known))
            except RecordRejected as error:
                rejected.append((raw.line, error.problem, str(error)))
        accepted = _link_participants(session, valid, source, salt, pseudonymized, rejected)
        accepted = _drop_duplicates(session, accepted, source, sha, rejected)
        _insert_records(session, run.id, sha, source, accepted)
        _insert_quarantine(session, run.id, sha, source, rejected)
        entry.lines += len(chunk)
        entry.accepted += len(accepted)
        entry.quarantined += len(rejected)
        problems.update(problem.value for _, problem, _ in rejected)
    return IngestSummary(
        input_sha256=sha,
        source=source,
        feed=spec.name,
        run_id=run.id,
        lines=entry.lines,
        accepted=entry.accepted,
        quarantined=entry.quarantined,
        problems=dict(problems),
    )


def _batched(lines: Iterator[RawLine], size: int) -> Iterator[list[RawLine]]:
    chunk: list[RawLine] = []
    for line in lines:
        chunk.append(line)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _insert_quarantine(
    session: Session, run_id: int, sha: str, source: str, rejected: list[tuple[int, Problem, str]]
) -> None:
    if rejected:
        session.execute(
            table_of(Quarantine).insert(),
            [
                {
                    "run_id": run_id,
                    "input_sha256": sha,
                    "source": source,
                    "line": line,
                    "code": problem.value,
                    "reason": f"line {line}: {message}",
                }
                for line, problem, message in sorted(rejected)
            ],
        )


def _link_participants(
    session: Session,
    valid: list[ValidRecord],
    source: str,
    salt: bytes,
    pseudonymized: bool,
    rejected: list[tuple[int, Problem, str]],
) -> list[tuple[ValidRecord, str, str]]:
    """Pseudonymize each record's user and find its account; unenrolled ones are rejected."""
    pseudonyms: dict[str, str] = {}
    for record in valid:
        if record.user_id not in pseudonyms:
            if pseudonymized and record.user_id.startswith(PSEUDONYM_PREFIX):
                pseudonyms[record.user_id] = record.user_id.removeprefix(PSEUDONYM_PREFIX)
            else:
                pseudonyms[record.user_id] = pseudonymize(salt, source, record.user_id)
    accounts: dict[str, str] = {}
    wanted = sorted(set(pseudonyms.values()))
    for chunk in _chunks(wanted):
        rows = session.execute(
            select(Participant.pseudonym, Participant.account).where(
                Participant.pseudonym.in_(chunk)
            )
        )
        accounts.update({pseudonym: account for pseudonym, account in rows})
    linked: list[tuple[ValidRecord, str, str]] = []
    for record in valid:
        pseudonym = pseudonyms[record.user_id]
        account = accounts.get(pseudonym)
        if account is None:
            rejected.append(
                (
                    record.line,
                    Problem.PARTICIPANT,
                    f"participant {pseudonym[:12]}… has no enrolled carbon account",
                )
            )
        else:
            linked.append((record, pseudonym, account))
    return linked


def _drop_duplicates(
    session: Session,
    linked: list[tuple[ValidRecord, str, str]],
    source: str,
    sha: str,
    rejected: list[tuple[int, Problem, str]],
) -> list[tuple[ValidRecord, str, str]]:
    """Reject records whose (source, record id) was already accepted, here or before."""
    first: dict[str, str] = {}
    for chunk in _chunks(sorted({record.record_id for record, _, _ in linked})):
        rows = session.execute(
            select(Record.record_id, Record.input_sha256, Record.line).where(
                Record.source == source, Record.record_id.in_(chunk)
            )
        )
        first.update({rid: f"input {other[:12]}… line {line}" for rid, other, line in rows})
    kept: list[tuple[ValidRecord, str, str]] = []
    for item in linked:
        record = item[0]
        where = first.get(record.record_id)
        if where is not None:
            rejected.append(
                (record.line, Problem.DUPLICATE, f"record_id: duplicate, first seen in {where}")
            )
            continue
        first[record.record_id] = f"input {sha[:12]}… line {record.line}"
        kept.append(item)
    return kept


def _insert_records(
    session: Session,
    run_id: int,
    sha: str,
    source: str,
    accepted: Iterable[tuple[ValidRecord, str, str]],
) -> None:
    rows = [
        {
            "run_id": run_id,
            "input_sha256": sha,
            "line": record.line,
            "source": source,
            "record_id": record.record_id,
            "pseudonym": pseudonym,
            "account": account,
            "occurred_at": record.occurred_at,
            "fields": json.dumps(record.fields, sort_keys=True, separators=(",", ":")),
            "grams": record.grams,
        }
        for record, pseudonym, account in accepted
    ]
    for start in range(0, len(rows), 50_000):
        session.execute(table_of(Record).insert(), rows[start : start + 50_000])


def _summary_of(session: Session, seen: Input, *, already: bool) -> IngestSummary:
    problems = Counter(
        session.scalars(select(Quarantine.code).where(Quarantine.input_sha256 == seen.sha256))
    )
    return IngestSummary(
        input_sha256=seen.sha256,
        source=seen.source,
        feed=seen.feed,
        run_id=seen.run_id,
        lines=seen.lines,
        accepted=seen.accepted,
        quarantined=seen.quarantined,
        already_ingested=already,
        problems=dict(problems),
    )


def _chunks(items: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


__all__ = ["PSEUDONYM_PREFIX", "IngestSummary", "RawLine", "ingest_bytes", "pseudonymize"]
