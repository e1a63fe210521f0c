"""Database foundation: declarative base, uint256 column type, engine and session factory.

SQLite (default) runs in WAL mode with a busy timeout, so the API reads while the indexer
writes. PostgreSQL is selected by URL; an optional schema isolates one node (or one test run).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Dialect, MetaData, Numeric, create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator, UserDefinedType

from registry_node.config import Settings

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

_INT64_MAX = 2**63 - 1
UINT256_MAX = 2**256 - 1


class Base(DeclarativeBase):
    """Base of every table; constraint names follow NAMING_CONVENTION (stable migrations)."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class _SqliteExactNumber(UserDefinedType[Any]):
    """SQLite column with no type affinity, so nothing is ever coerced to REAL.

    A declared type containing "BLOB" gets SQLite's BLOB ("none") affinity: an int that fits
    int64 is stored as INTEGER (summable, sortable), a larger one is bound as decimal TEXT
    and stored verbatim. NUMERIC affinity would turn that TEXT into a lossy REAL.
    """

    cache_ok = True

    def get_col_spec(self, **kw: Any) -> str:
        return "NUMERIC_BLOB"


class Uint256(TypeDecorator[int]):
    """An exact unsigned 256-bit integer: NUMERIC(78,0) on PostgreSQL, exact on SQLite."""

    impl = Numeric(78, 0)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> Any:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(_SqliteExactNumber())
        return dialect.type_descriptor(Numeric(78, 0, asdecimal=True))

    def process_bind_param(self, value: int | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"uint256 column needs an int, got {type(value).__name__}")
        if dialect.name == "sqlite":
            return value if -_INT64_MAX <= value <= _INT64_MAX else str(value)
        return Decimal(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> int | None:
        if value is None:
            return None
        if isinstance(value, Decimal):
            return int(value)
        if isinstance(value, float):  # never stored; SUM() overflowing int64 would give one
            raise ValueError(f"inexact uint256 value {value!r} read from the database")
        return int(value)

    @property
    def python_type(self) -> type[int]:
        return int


POOL_SIZE = 20
POOL_MAX_OVERFLOW = 20


def make_engine(settings: Settings) -> Engine:
    """Create the engine for `settings.database_url` with the per-dialect connection setup."""
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            pool_size=POOL_SIZE,
            max_overflow=POOL_MAX_OVERFLOW,
        )
        busy = settings.sqlite_busy_timeout_ms

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute(f"PRAGMA busy_timeout={int(busy)}")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    engine = create_engine(
        url, pool_size=POOL_SIZE, max_overflow=POOL_MAX_OVERFLOW, pool_pre_ping=True
    )
    schema = settings.database_schema
    if schema:

        @event.listens_for(engine, "connect")
        def _search_path(dbapi_conn: Any, _record: Any) -> None:
            # The schema name is validated by Settings (identifier pattern), never user input.
            cur = dbapi_conn.cursor()
            cur.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
            cur.execute(f'SET search_path TO "{schema}"')
            cur.close()
            dbapi_conn.commit()

    return engine


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Return the session factory bound to `engine` (sessions never expire on commit)."""
    return sessionmaker(engine, expire_on_commit=False, autoflush=False)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """Yield a session that commits on success and rolls back on error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
