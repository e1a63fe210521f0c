"""Ingest one input (file or push batch) into an open run: validate, pseudonymize, quarantine.

Every non-blank line of an input ends as exactly one accepted record or one quarantine entry.
An input is identified by the sha256 of its bytes, so ingesting it again changes nothing.
The partner's user id is turned into an HMAC-SHA256 pseudonym here and goes no further.
"""

from __future__ import annotations

import hashlib
import hmac
import multiprocessing
import traceback
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.context import ForkContext, SpawnContext
from multiprocessing.process import BaseProcess
from typing import Final

from sqlalchemy import Table, select
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
from oracle.sources._base import InputChunk, RawLine, RecordChecker, parse_input, split_input

PSEUDONYM_PREFIX = "pseudonym:"
# Inputs at least this large are validated by worker processes, chunk by chunk, while this
# process stores the previous chunk; smaller ones (push batches) are not worth the start-up.
PARALLEL_MIN_BYTES = 16 * 1024 * 1024
CHUNK_BYTES = 2 * 1024 * 1024  # ~30,000 lines of a typical feed
_LINES_PER_CHUNK = 30_000  # for inputs that cannot be cut into byte chunks (quoted CSV)
_CHUNK = 500  # bound parameters per IN (...) query; SQLite allows 32766, PostgreSQL 65535
_RECORD_COLUMNS: Final = (
    "run_id", "input_sha256", "line", "source", "record_id", "pseudonym", "account",
    "occurred_at", "fields", "grams",
)  # fmt: skip
_QUARANTINE_COLUMNS: Final = ("run_id", "input_sha256", "source", "line", "code", "reason")


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


@dataclass(frozen=True, slots=True)
class _Context:
    """What checking a chunk needs; picklable, so worker processes get it with each chunk."""

    spec: FeedSpec
    period: Period
    known_projects: frozenset[int]
    source: str
    salt: bytes
    pseudonymized: bool


# (line, record_id, pseudonym, occurred_at, fields JSON, grams) of a record that passed every
# check a record can pass on its own; the partner's user id is already replaced.
_Checked = tuple[int, str, str, int, str, int]
_Rejected = tuple[int, Problem, str]


@dataclass(slots=True)
class _ChunkResult:
    lines: int
    valid: list[_Checked]
    rejected: list[_Rejected]


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
    workers: int = 0,
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
        workers: Worker processes that parse and validate an input of ``PARALLEL_MIN_BYTES``
            or more while this process stores what they checked; results do not depend on it.

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
    context = _Context(
        spec=spec,
        period=Period(run.project_id, run.period_start, run.period_end),
        known_projects=frozenset(session.scalars(select(Project.project_id))),
        source=source,
        salt=salt,
        pseudonymized=pseudonymized,
    )
    entry = Input(
        sha256=sha, run_id=run.id, source=source, feed=spec.name, name=name[:255],
        lines=0, accepted=0, quarantined=0,
    )  # fmt: skip
    session.add(entry)
    session.flush()
    store = _Storer(session, run.id, sha, source)
    problems: Counter[str] = Counter()
    # Chunks bound memory: a million-line input is never held as a million parsed rows.
    for result in _checked_chunks(context, data, fmt, workers):
        accepted, rejected = store.add(result)
        entry.lines += result.lines
        entry.accepted += accepted
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
        problems=dict(sorted(problems.items())),
    )


def _checked_chunks(
    context: _Context, data: bytes, fmt: InputFormat, workers: int
) -> Iterator[_ChunkResult]:
    """Yield the checked lines of an input chunk by chunk, in line order."""
    pseudonyms: dict[str, str] = {}
    chunks = split_input(data, fmt, CHUNK_BYTES)
    if chunks is None:
        for lines in _batched(parse_input(data, fmt), _LINES_PER_CHUNK):
            yield _check_lines(context, lines, pseudonyms)
    elif workers < 1 or len(data) < PARALLEL_MIN_BYTES or len(chunks) < 2:
        for chunk in chunks:
            yield _check_lines(context, chunk.lines(), pseudonyms)
    else:
        yield from _checked_in_parallel(context, chunks, min(workers, len(chunks)))


def _checked_in_parallel(
    context: _Context, chunks: list[InputChunk], workers: int
) -> Iterator[_ChunkResult]:
    """Check chunks in worker processes: worker w takes chunks w, w + workers, w + 2 workers …

    Each worker sends its results down its own pipe, and this process reads chunk i from pipe
    i mod workers, so the order is the input's whatever the timing. A pipe holds about one
    result, so workers stay at most a chunk ahead of the caller (bounded memory). Results are
    read on this thread: a helper thread (as in ``multiprocessing.Pool``) would fight the
    caller's SQLite inserts for the GIL and make both several times slower.
    """
    # fork: workers start at once, get the chunks without pickling and do not re-import the
    # caller's main module (spawn would). They only run the pure checks below, never touch the
    # inherited database connection, and leave with os._exit, so nothing inherited is flushed.
    mp: ForkContext | SpawnContext = (
        multiprocessing.get_context("fork")
        if "fork" in multiprocessing.get_all_start_methods()
        else multiprocessing.get_context("spawn")
    )
    receivers: list[Connection] = []
    processes: list[BaseProcess] = []
    try:
        for index in range(workers):
            receiver, sender = mp.Pipe(duplex=False)
            process = mp.Process(
                target=_check_worker,
                args=(context, chunks, index, workers, sender),
                name=f"oracle-ingest-{index}",
                daemon=True,
            )
            process.start()
            sender.close()
            receivers.append(receiver)
            processes.append(process)
        for index in range(len(chunks)):
            try:
                result = receivers[index % workers].recv()
            except EOFError:
                raise RuntimeError(f"ingest worker {index % workers} died") from None
            if isinstance(result, str):
                raise RuntimeError(f"ingest worker failed on chunk {index}: {result}")
            yield result
    finally:
        for worker in processes:
            if worker.is_alive():
                worker.terminate()
            worker.join()
        for receiver in receivers:
            receiver.close()


def _check_worker(
    context: _Context, chunks: list[InputChunk], first: int, step: int, sender: Connection
) -> None:
    """Worker process: check every ``step``-th chunk from ``first`` and send each result."""
    pseudonyms: dict[str, str] = {}
    try:
        for index in range(first, len(chunks), step):
            try:
                result: _ChunkResult | str = _check_lines(
                    context, chunks[index].lines(), pseudonyms
                )
            except Exception:  # reported to the parent, which raises
                result = traceback.format_exc(limit=5)
            sender.send(result)
            if isinstance(result, str):
                return
    finally:
        sender.close()


def _check_lines(
    context: _Context, lines: Iterable[RawLine], pseudonyms: dict[str, str]
) -> _ChunkResult:
    """Validate lines and pseudonymize their users (``pseudonyms`` caches user id → pseudonym)."""
    checker = RecordChecker(context.spec, context.period, context.known_projects)
    check = checker.check
    valid: list[_Checked] = []
    rejected: list[_Rejected] = []
    count = 0
    for raw in lines:
        count += 1
        if raw.row is None:
            rejected.append((raw.line, Problem.PARSE, raw.error or "unparseable"))
            continue
        try:
            record_id, user_id, occurred_at, fields, grams = check(raw.row, raw.line)
        except RecordRejected as error:
            rejected.append((raw.line, error.problem, str(error)))
            continue
        pseudonym = pseudonyms.get(user_id)
        if pseudonym is None:
            if context.pseudonymized and user_id.startswith(PSEUDONYM_PREFIX):
                pseudonym = user_id.removeprefix(PSEUDONYM_PREFIX)
            else:
                pseudonym = pseudonymize(context.salt, context.source, user_id)
            pseudonyms[user_id] = pseudonym
        valid.append((raw.line, record_id, pseudonym, occurred_at, fields, grams))
    return _ChunkResult(count, valid, rejected)


def _batched(lines: Iterator[RawLine], size: int) -> Iterator[list[RawLine]]:
    chunk: list[RawLine] = []
    for line in lines:
        chunk.append(line)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class _Storer:
    """Link checked records to accounts, drop duplicates, and store records and quarantine."""

    def __init__(self, session: Session, run_id: int, sha: str, source: str) -> None:
        self.session = session
        self.run_id = run_id
        self.sha = sha
        self.source = source
        self.accounts: dict[str, str | None] = {}
        # record id → line, for every record of this input stored so far.
        self.stored: dict[str, int] = {}
        # Earlier inputs of the partner are only looked up if there are any: the common first
        # input of a period then costs no query per record.
        self.earlier = (
            session.execute(select(Record.id).where(Record.source == source).limit(1)).first()
            is not None
        )

    def add(self, result: _ChunkResult) -> tuple[int, list[_Rejected]]:
        """Store one chunk; return how many records were accepted and the rejected lines."""
        rejected = result.rejected
        linked = self._link(result.valid, rejected)
        kept = self._drop_duplicates(linked, rejected)
        _insert(
            self.session,
            table_of(Record),
            _RECORD_COLUMNS,
            [
                (self.run_id, self.sha, line, self.source, record_id, pseudonym, account,
                 occurred_at, fields, grams)
                for line, record_id, pseudonym, occurred_at, fields, grams, account in kept
            ],
        )  # fmt: skip
        _insert(
            self.session,
            table_of(Quarantine),
            _QUARANTINE_COLUMNS,
            [
                (self.run_id, self.sha, self.source, line, problem.value, f"line {line}: {message}")
                for line, problem, message in sorted(rejected)
            ],
        )
        return len(kept), rejected

    def _link(
        self, valid: list[_Checked], rejected: list[_Rejected]
    ) -> list[tuple[int, str, str, int, str, int, str]]:
        """Find each record's account; unenrolled participants' records are rejected."""
        accounts = self.accounts
        wanted = sorted({record[2] for record in valid if record[2] not in accounts})
        for chunk in _chunks(wanted):
            rows = self.session.execute(
                select(Participant.pseudonym, Participant.account).where(
                    Participant.pseudonym.in_(chunk)
                )
            )
            accounts.update(dict.fromkeys(chunk))
            accounts.update({pseudonym: account for pseudonym, account in rows})
        linked: list[tuple[int, str, str, int, str, int, str]] = []
        for record in valid:
            account = accounts[record[2]]
            if account is None:
                rejected.append(
                    (
                        record[0],
                        Problem.PARTICIPANT,
                        f"participant {record[2][:12]}… has no enrolled carbon account",
                    )
                )
            else:
                linked.append((*record, account))
        return linked

    def _drop_duplicates(
        self, linked: list[tuple[int, str, str, int, str, int, str]], rejected: list[_Rejected]
    ) -> list[tuple[int, str, str, int, str, int, str]]:
        """Reject records whose (source, record id) was already accepted, here or before."""
        stored = self.stored
        earlier: dict[str, str] = {}
        if self.earlier:
            ids = sorted({item[1] for item in linked if item[1] not in stored})
            for chunk in _chunks(ids):
                rows = self.session.execute(
                    select(Record.record_id, Record.input_sha256, Record.line).where(
                        Record.source == self.source, Record.record_id.in_(chunk)
                    )
                )
                earlier.update(
                    {rid: f"input {other[:12]}… line {line}" for rid, other, line in rows}
                )
        kept: list[tuple[int, str, str, int, str, int, str]] = []
        for item in linked:
            line, record_id = item[0], item[1]
            first = stored.get(record_id)
            if first is not None:
                where: str | None = f"input {self.sha[:12]}… line {first}"
            else:
                where = earlier.get(record_id)
            if where is not None:
                rejected.append(
                    (line, Problem.DUPLICATE, f"record_id: duplicate, first seen in {where}")
                )
                continue
            stored[record_id] = line
            kept.append(item)
        return kept


def _insert(
    session: Session, table: Table, columns: Sequence[str], rows: list[tuple[object, ...]]
) -> None:
    """Insert rows in one executemany; with a positional driver (SQLite) rows go straight in."""
    if not rows:
        return
    connection = session.connection()
    compiled = table.insert().compile(dialect=connection.dialect, column_keys=list(columns))
    if compiled.positional and compiled.positiontup == list(columns):
        # Skips building and processing a dict per row: half the time of a million inserts.
        connection.exec_driver_sql(str(compiled), rows)
    else:
        connection.execute(table.insert(), [dict(zip(columns, row, strict=True)) for row in rows])


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
        problems=dict(sorted(problems.items())),
    )


def _chunks(items: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


__all__ = ["PSEUDONYM_PREFIX", "IngestSummary", "RawLine", "ingest_bytes", "pseudonymize"]
