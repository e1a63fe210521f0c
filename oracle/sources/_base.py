"""Parse partner feeds (CSV, JSONL, push batches) and validate each record on its own.

A feed is one partner data product feeding one methodology. Parsing yields every non-blank
line as either a raw row or a located error, so a caller can account for each line: accepted
or quarantined, never dropped. Validation here is everything a single record can tell about
itself; checks against the store (project, participant, duplicates) happen in ``oracle.ingest``.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import re
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, ClassVar, Final

from oracle.errors import InputError
from oracle.methodologies import Methodology, UnknownMethodologyError, get

COMMON_FIELDS: Final = (
    "record_id",
    "user_id",
    "project_id",
    "methodology",
    "methodology_version",
    "occurred_at",
)
_RECORD_ID: Final = re.compile(r"[A-Za-z0-9._:\-]{1,128}")
_DIGITS: Final = re.compile(r"[0-9]{1,19}")
MAX_USER_ID_CHARS: Final = 128


class InputFormat(StrEnum):
    """How an input's bytes are laid out."""

    CSV = "csv"
    JSONL = "jsonl"


class Problem(StrEnum):
    """Machine-readable quarantine reason codes."""

    PARSE = "parse"
    SCHEMA = "schema"
    TYPE = "type"
    UNIT = "unit"
    RANGE = "range"
    VALUE = "value"
    PERIOD = "period"
    METHODOLOGY = "methodology"
    PROJECT = "project"
    PARTICIPANT = "participant"
    DUPLICATE = "duplicate"


class RecordRejected(ValueError):
    """A record failed validation; ``problem`` is the code, the message the located reason."""

    def __init__(self, problem: Problem, message: str) -> None:
        super().__init__(message)
        self.problem = problem


@dataclass(frozen=True, slots=True)
class RawLine:
    """One non-blank line of an input: its row, or the reason it could not be parsed."""

    line: int
    row: dict[str, object] | None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class ValidRecord:
    """A record that passed every self-contained check; ``user_id`` never leaves ingestion."""

    line: int
    record_id: str
    user_id: str
    project_id: int
    occurred_at: int
    fields: dict[str, str]
    grams: int


@dataclass(frozen=True, slots=True)
class Period:
    """A monitoring period [start, end) in unix seconds, for one project."""

    project_id: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class FeedSpec:
    """One partner feed: which methodology it feeds and which unit its quantity is in.

    Attributes:
        name: Feed name, e.g. ``metro``.
        methodology_code: Code of the methodology its records are computed with.
        methodology_version: Its version.
        unit: Required value of the ``unit`` column (``None``: the feed has no unit column
            because its field names carry their units).
        description: One line for docs and the CLI.
    """

    name: str
    methodology_code: str
    methodology_version: int
    unit: str | None
    description: str

    @property
    def methodology(self) -> Methodology:
        """Return the methodology this feed's records are computed with."""
        return get(self.methodology_code, self.methodology_version)

    @property
    def columns(self) -> tuple[str, ...]:
        """Return every column a record of this feed has, in documented order."""
        unit = ("unit",) if self.unit is not None else ()
        return (*COMMON_FIELDS, *self.methodology.fields, *unit)

    def validate(
        self,
        raw: Mapping[str, object],
        line: int,
        period: Period,
        known_projects: Collection[int] | None = None,
    ) -> ValidRecord:
        """Validate one parsed row against this feed's schema and the run's period.

        Args:
            raw: The row as parsed (CSV text, or JSON values with numbers as Decimal).
            line: Its line number, for the messages.
            period: The run's project and monitoring period.
            known_projects: Projects the oracle knows, to tell an unknown project from a
                record sent to the wrong run; ``None`` skips that distinction.

        Returns:
            The validated record with its grams computed.

        Raises:
            RecordRejected: the first problem found, with its code and a located message.
        """
        columns = self.columns
        missing = [name for name in columns if name not in raw or raw[name] in (None, "")]
        if missing:
            raise RecordRejected(Problem.SCHEMA, f"missing field(s): {', '.join(missing)}")
        unexpected = sorted(str(name) for name in raw if name not in columns)
        if unexpected:
            raise RecordRejected(Problem.SCHEMA, f"unexpected field(s): {', '.join(unexpected)}")
        record_id = _text(raw, "record_id")
        if _RECORD_ID.fullmatch(record_id) is None:
            raise RecordRejected(
                Problem.VALUE, "record_id: must be 1-128 characters of A-Z a-z 0-9 . _ : -"
            )
        user_id = _text(raw, "user_id")
        if len(user_id) > MAX_USER_ID_CHARS or not user_id.isprintable():
            # The value is personal data: the message must not repeat it.
            raise RecordRejected(Problem.VALUE, "user_id: must be 1-128 printable characters")
        self._check_methodology(raw)
        project_id = _integer(raw, "project_id")
        if known_projects is not None and project_id not in known_projects:
            raise RecordRejected(Problem.PROJECT, f"project_id: unknown project {project_id}")
        if project_id != period.project_id:
            raise RecordRejected(
                Problem.PROJECT,
                f"project_id: record is for project {project_id}, "
                f"this run is for project {period.project_id}",
            )
        occurred_at = parse_timestamp(raw["occurred_at"])
        if not period.start <= occurred_at < period.end:
            raise RecordRejected(
                Problem.PERIOD,
                f"occurred_at: {occurred_at} is outside the monitoring period "
                f"[{period.start}, {period.end})",
            )
        if self.unit is not None and raw["unit"] != self.unit:
            raise RecordRejected(
                Problem.UNIT, f"unit: {str(raw['unit'])[:16]!r} is not {self.unit!r}"
            )
        fields = {name: raw[name] for name in self.methodology.fields}
        grams = compute_grams(self.methodology, fields)
        return ValidRecord(
            line=line,
            record_id=record_id,
            user_id=user_id,
            project_id=project_id,
            occurred_at=occurred_at,
            fields={name: canonical_value(value) for name, value in fields.items()},
            grams=grams,
        )

    def _check_methodology(self, raw: Mapping[str, object]) -> None:
        code = _text(raw, "methodology")
        version = _integer(raw, "methodology_version")
        try:
            get(code, version)
        except UnknownMethodologyError:
            raise RecordRejected(
                Problem.METHODOLOGY, f"methodology: unknown methodology {code[:32]!r} v{version}"
            ) from None
        if (code, version) != (self.methodology_code, self.methodology_version):
            raise RecordRejected(
                Problem.METHODOLOGY,
                f"methodology: {code} v{version} does not belong in the {self.name} feed "
                f"({self.methodology_code} v{self.methodology_version})",
            )


def compute_grams(methodology: Methodology, fields: Mapping[str, object]) -> int:
    """Run a calculator on one record, turning its errors into quarantine reasons.

    Calculators are pure, so results are memoized per (methodology, field values with their
    types): transit distances repeat (station pairs), and a million records then cost a few
    tens of thousands of Decimal evaluations. Types are part of the key so that ``True`` and
    ``1`` (equal and of equal hash in Python) never share an entry.

    Raises:
        RecordRejected: the calculator refused a field (type, range or choice).
    """
    try:
        key = tuple((name, type(value), value) for name, value in fields.items())
        hash(key)
    except TypeError:
        return _compute_uncached(methodology, fields)
    return _compute_cached(methodology.code, methodology.version, key)


@functools.lru_cache(maxsize=1 << 17)
def _compute_cached(code: str, version: int, key: tuple[tuple[str, type, object], ...]) -> int:
    return _compute_uncached(get(code, version), {name: value for name, _, value in key})


def _compute_uncached(methodology: Methodology, fields: Mapping[str, object]) -> int:
    try:
        return methodology.compute_record(fields)
    except TypeError as error:
        raise RecordRejected(Problem.TYPE, str(error)) from None
    except ValueError as error:
        message = str(error)
        problem = Problem.VALUE
        if "missing" in message:
            problem = Problem.SCHEMA
        elif any(w in message for w in ("cap", "negative", "finite", "decimal places", "whole")):
            problem = Problem.RANGE
        raise RecordRejected(problem, message) from None


def canonical_value(value: object) -> str:
    """Return a methodology field value as the plain text stored and published."""
    if isinstance(value, Decimal):
        return f"{value:f}"
    return str(value)


def parse_timestamp(value: object) -> int:
    """Parse unix seconds (int or digits) or ISO 8601 with an offset into unix seconds.

    Raises:
        RecordRejected: not a timestamp, or an ISO time without a timezone.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and _DIGITS.fullmatch(value):
        return int(value)
    if isinstance(value, str) and len(value) <= 40:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            if moment.tzinfo is None:
                raise RecordRejected(
                    Problem.VALUE, "occurred_at: an ISO 8601 time needs a timezone offset"
                )
            return int(moment.timestamp())
    raise RecordRejected(
        Problem.TYPE, "occurred_at: expected unix seconds or ISO 8601 with an offset"
    )


def _text(raw: Mapping[str, object], name: str) -> str:
    value = raw[name]
    if not isinstance(value, str):
        raise RecordRejected(Problem.TYPE, f"{name}: expected text, got {type(value).__name__}")
    return value


def _integer(raw: Mapping[str, object], name: str) -> int:
    value = raw[name]
    if isinstance(value, Decimal) and value == value.to_integral_value() and value >= 0:
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if isinstance(value, str) and _DIGITS.fullmatch(value):
        return int(value)
    raise RecordRejected(Problem.TYPE, f"{name}: expected a non-negative whole number")


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not a number")


def parse_input(data: bytes, fmt: InputFormat) -> Iterator[RawLine]:
    """Yield every non-blank line of an input as a row or a located parse error.

    Args:
        data: The input's bytes as received.
        fmt: CSV (header line first) or JSONL (one JSON object a line).

    Raises:
        InputError: the input as a whole is unreadable (CSV not UTF-8, or no header).
    """
    if fmt is InputFormat.CSV:
        yield from _parse_csv(data)
    else:
        yield from _parse_jsonl(data)


def _parse_csv(data: bytes) -> Iterator[RawLine]:
    text = _decode_csv(data)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error as error:
        raise InputError(f"CSV header unreadable: {error}") from None
    yield from _csv_rows(reader, _header_names(header), 0)


def _decode_csv(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(f"CSV input is not UTF-8 (byte {error.start})") from None


def _header_names(header: list[str]) -> list[str]:
    names = [name.strip() for name in header]
    if len(set(names)) != len(names):
        raise InputError("CSV header repeats a column")
    return names


def _csv_rows(reader: Any, names: list[str], offset: int) -> Iterator[RawLine]:
    """Yield the rows of a CSV reader past its header; line numbers are shifted by ``offset``."""
    line = reader.line_num
    width = len(names)
    while True:
        start = line + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            line = reader.line_num
            yield RawLine(offset + start, None, f"malformed CSV: {error}")
            continue
        line = reader.line_num
        if not cells or all(cell == "" for cell in cells):
            continue
        if len(cells) != width:
            yield RawLine(offset + start, None, f"{len(cells)} cells, header has {width} columns")
            continue
        yield RawLine(offset + start, dict(zip(names, cells, strict=True)))


def _parse_jsonl(data: bytes, offset: int = 0) -> Iterator[RawLine]:
    for number, raw_line in enumerate(data.split(b"\n"), start=offset + 1):
        if not raw_line.strip():
            continue
        try:
            text = raw_line.decode("utf-8")
        except UnicodeDecodeError:
            yield RawLine(number, None, "line is not UTF-8")
            continue
        try:
            row = json.loads(text, parse_float=Decimal, parse_constant=_reject_constant)
        except ValueError as error:
            yield RawLine(number, None, f"invalid JSON: {str(error)[:80]}")
            continue
        if not isinstance(row, dict):
            yield RawLine(number, None, "a JSONL line must be a JSON object")
            continue
        yield RawLine(number, row)


@dataclass(frozen=True, slots=True)
class InputChunk:
    """Whole lines of an input that parse on their own, the same as inside the whole input.

    Attributes:
        fmt: CSV or JSONL.
        offset: Number of lines of the input before the chunk (its line numbers start after).
        data: The chunk's bytes (UTF-8 for CSV).
        names: The CSV header's column names.
    """

    fmt: InputFormat
    offset: int
    data: bytes
    names: tuple[str, ...] = ()

    def lines(self) -> Iterator[RawLine]:
        """Yield the chunk's non-blank lines, numbered as in the whole input."""
        if self.fmt is InputFormat.JSONL:
            yield from _parse_jsonl(self.data, self.offset)
            return
        text = self.data.decode("utf-8")
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        yield from _csv_rows(reader, list(self.names), self.offset)


def split_input(data: bytes, fmt: InputFormat, size: int) -> list[InputChunk] | None:
    """Cut an input into chunks of about ``size`` bytes at line ends, to validate them apart.

    ``parse_input`` over the whole input and ``InputChunk.lines`` over the chunks in order yield
    the same lines. A CSV with a quote character (a quoted cell may span lines) or with a bare
    carriage return (a line end to the CSV reader) cannot be cut safely: ``None`` then, and
    the caller parses it whole.

    Raises:
        InputError: the input as a whole is unreadable, as in ``parse_input``.
    """
    if fmt is InputFormat.JSONL:
        return _line_chunks(data, fmt, 0, (), size)
    _decode_csv(data)
    if b'"' in data or data.count(b"\r") != data.count(b"\r\n"):
        return None
    body = data.removeprefix(b"\xef\xbb\xbf")
    first, newline, rest = body.partition(b"\n")
    reader = csv.reader(io.StringIO((first + newline).decode("utf-8"), newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        return []
    except csv.Error as error:
        raise InputError(f"CSV header unreadable: {error}") from None
    return _line_chunks(rest, fmt, 1, tuple(_header_names(header)), size)


def _line_chunks(
    data: bytes, fmt: InputFormat, offset: int, names: tuple[str, ...], size: int
) -> list[InputChunk]:
    chunks: list[InputChunk] = []
    start, total = 0, len(data)
    while start < total:
        end = data.find(b"\n", max(start, min(start + size, total) - 1))
        end = total if end < 0 else end + 1
        piece = data[start:end]
        chunks.append(InputChunk(fmt, offset, piece, names))
        offset += piece.count(b"\n")
        start = end
    return chunks


class RecordChecker:
    """Validate the rows of one feed for one run: ``FeedSpec.validate`` with a fast path.

    Most rows of a large file are plain CSV text that passes every check. For those the checks
    are done here with precomputed values and the grams and canonical fields come from a cache
    keyed by the methodology fields' text; any row the fast path cannot accept as it stands
    (a problem, an ISO time, a JSON number, ``07`` for ``7`` …) goes through
    ``FeedSpec.validate``, so results and quarantine reasons are exactly the slow path's.
    """

    # Per process and methodology: field texts → (grams, canonical fields JSON). Calculators are
    # pure, so entries never go stale; the bound keeps adversarial inputs from growing it.
    _results: ClassVar[dict[tuple[str, int], dict[tuple[str, ...], tuple[int, str]]]] = {}
    _MAX_RESULTS: ClassVar[int] = 1 << 18

    def __init__(
        self, spec: FeedSpec, period: Period, known_projects: Collection[int] | None = None
    ) -> None:
        self.spec = spec
        self.period = period
        self.known_projects = known_projects
        self._methodology = spec.methodology
        self._column_set = frozenset(spec.columns)
        self._fields = self._methodology.fields
        self._code = spec.methodology_code
        self._version = str(spec.methodology_version)
        project_known = known_projects is None or period.project_id in known_projects
        self._project = str(period.project_id) if project_known else None
        self._unit = spec.unit
        key = (spec.methodology_code, spec.methodology_version)
        self._cache = self._results.setdefault(key, {})

    def check(self, raw: Mapping[str, object], line: int) -> tuple[str, str, int, str, int]:
        """Validate one row.

        Returns:
            ``(record_id, user_id, occurred_at, fields as canonical JSON, grams)``.

        Raises:
            RecordRejected: as ``FeedSpec.validate`` would, with the same code and message.
        """
        fast = self._fast(raw)
        if fast is not None:
            return fast
        record = self.spec.validate(raw, line, self.period, self.known_projects)
        return (
            record.record_id,
            record.user_id,
            record.occurred_at,
            canonical_fields(record.fields),
            record.grams,
        )

    def _fast(self, raw: Mapping[str, object]) -> tuple[str, str, int, str, int] | None:
        if raw.keys() != self._column_set:
            return None
        for value in raw.values():
            if type(value) is not str or not value:
                return None
        record_id = raw["record_id"]
        user_id = raw["user_id"]
        occurred = raw["occurred_at"]
        assert isinstance(record_id, str) and isinstance(user_id, str)
        assert isinstance(occurred, str)
        if (
            raw["methodology"] != self._code
            or raw["methodology_version"] != self._version
            or raw["project_id"] != self._project
            or (self._unit is not None and raw["unit"] != self._unit)
            or _RECORD_ID.fullmatch(record_id) is None
            or len(user_id) > MAX_USER_ID_CHARS
            or not user_id.isprintable()
            or _DIGITS.fullmatch(occurred) is None
        ):
            return None
        occurred_at = int(occurred)
        if not self.period.start <= occurred_at < self.period.end:
            return None
        key = tuple([raw[name] for name in self._fields])  # all str, checked above
        result = self._cache.get(key)  # type: ignore[arg-type]
        if result is None:
            fields = {name: raw[name] for name in self._fields}
            try:
                grams = compute_grams(self._methodology, fields)
            except RecordRejected:
                return None
            result = (grams, canonical_fields({n: canonical_value(v) for n, v in fields.items()}))
            if len(self._cache) >= self._MAX_RESULTS:
                self._cache.clear()
            self._cache[key] = result  # type: ignore[index]
        return record_id, user_id, occurred_at, result[1], result[0]


def canonical_fields(fields: Mapping[str, str]) -> str:
    """Return a record's methodology fields as the canonical JSON the store keeps."""
    return json.dumps(fields, sort_keys=True, separators=(",", ":"))
