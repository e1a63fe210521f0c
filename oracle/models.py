"""The oracle's state as SQLAlchemy 2 typed models; amounts are integer grams (BIGINT)."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import cast

from sqlalchemy import (
    BigInteger,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Return the current time, timezone-aware."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Declarative base with a constraint naming convention (stable migration names)."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class RunStatus(StrEnum):
    """Steps of a report run; each is entered once and only moves forward."""

    OPEN = "open"  # accepting records
    COMPUTED = "computed"  # allocations and Merkle root fixed; no more records
    PUBLISHED = "published"  # dataset written, payload (with deadline) fixed
    SIGNED = "signed"  # ≥ k verifier signatures collected
    SUBMITTED = "submitted"  # report on chain, report id recorded


RUN_ORDER = list(RunStatus)


class Project(Base):
    """A project the oracle reports for, as registered on chain."""

    __tablename__ = "projects"
    project_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    methodology_code: Mapped[str] = mapped_column(String(32))
    methodology_version: Mapped[int] = mapped_column(Integer)


class Run(Base):
    """One project's monitoring period [start, end) on its way to an on-chain report."""

    __tablename__ = "runs"
    __table_args__ = (UniqueConstraint("project_id", "period_start", "period_end"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.project_id"))
    period_start: Mapped[int] = mapped_column(BigInteger)
    period_end: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16), default=RunStatus.OPEN.value)
    quantity: Mapped[int | None] = mapped_column(BigInteger, default=None)
    data_root: Mapped[str | None] = mapped_column(String(66), default=None)
    evidence_hash: Mapped[str | None] = mapped_column(String(66), default=None)
    deadline: Mapped[int | None] = mapped_column(BigInteger, default=None)
    digest: Mapped[str | None] = mapped_column(String(66), default=None)
    tx_hash: Mapped[str | None] = mapped_column(String(66), default=None)
    report_id: Mapped[int | None] = mapped_column(Integer, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Input(Base):
    """One ingested file or push batch, identified by the sha256 of its bytes."""

    __tablename__ = "inputs"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"), index=True)
    source: Mapped[str] = mapped_column(String(64), doc="Partner name")
    feed: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(255), doc="File name or push nonce")
    lines: Mapped[int] = mapped_column(Integer)
    accepted: Mapped[int] = mapped_column(Integer)
    quarantined: Mapped[int] = mapped_column(Integer)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class Record(Base):
    """One accepted activity record; the participant only as pseudonym and account."""

    __tablename__ = "records"
    __table_args__ = (
        UniqueConstraint("source", "record_id"),
        UniqueConstraint("input_sha256", "line"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"), index=True)
    input_sha256: Mapped[str] = mapped_column(ForeignKey("inputs.sha256"))
    line: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[str] = mapped_column(String(128))
    pseudonym: Mapped[str] = mapped_column(String(64))
    account: Mapped[str] = mapped_column(String(42))
    occurred_at: Mapped[int] = mapped_column(BigInteger)
    fields: Mapped[str] = mapped_column(Text, doc="Methodology fields, canonical JSON")
    grams: Mapped[int] = mapped_column(BigInteger)


class Quarantine(Base):
    """A rejected record with its located reason; never silently dropped."""

    __tablename__ = "quarantine"
    __table_args__ = (UniqueConstraint("input_sha256", "line"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"), index=True)
    input_sha256: Mapped[str] = mapped_column(ForeignKey("inputs.sha256"))
    source: Mapped[str] = mapped_column(String(64))
    line: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(32), doc="Machine-readable reason")
    reason: Mapped[str] = mapped_column(Text)


class Participant(Base):
    """Pseudonym (salted hash of partner + user id) → carbon-account address."""

    __tablename__ = "participants"
    pseudonym: Mapped[str] = mapped_column(String(64), primary_key=True)
    source: Mapped[str] = mapped_column(String(64))
    account: Mapped[str] = mapped_column(String(42), index=True)


class Allocation(Base):
    """One account's share of a computed run."""

    __tablename__ = "allocations"
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"), primary_key=True)
    account: Mapped[str] = mapped_column(String(42), primary_key=True)
    grams: Mapped[int] = mapped_column(BigInteger)


class PushNonce(Base):
    """A push request nonce already seen from a partner (replay protection)."""

    __tablename__ = "push_nonces"
    partner: Mapped[str] = mapped_column(String(64), primary_key=True)
    nonce: Mapped[str] = mapped_column(String(128), primary_key=True)
    seen_at: Mapped[int] = mapped_column(BigInteger)


def table_of(model: type[Base]) -> Table:
    """Return a model's Core table, for bulk inserts that bypass the ORM's unit of work."""
    return cast(Table, model.__table__)
