"""FastAPI dependencies: the request's DB session and the settings."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any
from weakref import WeakKeyDictionary

import anyio
from anyio.lowlevel import RunVar
from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from registry_node.config import Settings
from registry_node.db import POOL_MAX_OVERFLOW, POOL_SIZE

# Requests holding a session at once. A session keeps its pooled connection from the first
# query until it is closed after the response is built; FastAPI builds the response of a sync
# endpoint on a worker thread. Without a bound, more requests than connections could each hold
# a connection while waiting for a thread, with every thread waiting for a connection: a
# deadlock that only the pool timeout (30 s, then 503) broke (found by scripts/load_node.py with
# 200 clients). The bound leaves a few connections for the indexer and the signing service.
DB_REQUEST_SLOTS = POOL_SIZE + POOL_MAX_OVERFLOW - 8

_slots: RunVar[WeakKeyDictionary[Any, anyio.Semaphore]] = RunVar("registry_db_slots")


def _slots_of(app: Any) -> anyio.Semaphore:
    try:
        table = _slots.get()
    except LookupError:
        table = WeakKeyDictionary()
        _slots.set(table)
    slots = table.get(app)
    if slots is None:
        slots = table[app] = anyio.Semaphore(DB_REQUEST_SLOTS)
    return slots


async def get_session(request: Request) -> AsyncIterator[Session]:
    """Yield one session per request; the request (not the service) commits."""
    async with _slots_of(request.app):
        session: Session = request.app.state.sessions()
        try:
            yield session
            await run_in_threadpool(session.commit)
        except BaseException:
            with anyio.CancelScope(shield=True):
                await run_in_threadpool(session.rollback)
            raise
        finally:
            with anyio.CancelScope(shield=True):
                await run_in_threadpool(session.close)


def get_settings(request: Request) -> Settings:
    """Return the app's settings."""
    settings: Settings = request.app.state.settings
    return settings


DbSession = Annotated[Session, Depends(get_session)]
AppSettings = Annotated[Settings, Depends(get_settings)]
