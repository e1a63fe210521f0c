"""The FastAPI application factory: routers, JSON errors, body limit, health, metrics.

Signing half: add your router to `_routers()` below (it already imports
`registry_node.tx.endpoints:router` when that module exists).
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from registry_node import migrate
from registry_node.config import Settings
from registry_node.db import make_engine, make_session_factory
from registry_node.errors import RegistryError, Unavailable
from registry_node.metrics import NodeMetrics

log = logging.getLogger(__name__)


def _routers() -> list[APIRouter]:
    """Return every router the node serves, in the order they appear in OpenAPI."""
    from registry_node.account.endpoints import router as accounts
    from registry_node.batch.endpoints import router as batches
    from registry_node.claim.endpoints import router as claims
    from registry_node.compliance.endpoints import router as compliance
    from registry_node.event.endpoints import router as events
    from registry_node.explorer.pages import router as explorer
    from registry_node.health.endpoints import router as health
    from registry_node.methodology.endpoints import router as methodologies
    from registry_node.partner.endpoints import router as imports
    from registry_node.plan.endpoints import router as plans
    from registry_node.points.endpoints import router as points
    from registry_node.project.endpoints import router as projects
    from registry_node.reference.endpoints import router as references
    from registry_node.report.endpoints import router as reports
    from registry_node.retirement.endpoints import router as retirements
    from registry_node.stats.endpoints import router as stats

    routers = [
        health,
        methodologies,
        projects,
        reports,
        batches,
        accounts,
        retirements,
        events,
        claims,
        stats,
        plans,
        references,
        compliance,
        imports,
        points,
        explorer,
    ]
    # ---- signing half (registry_node/tx/): its router joins here, nothing else to edit ----
    try:
        from registry_node.tx.endpoints import router as tx
    except ModuleNotFoundError as exc:
        if exc.name not in ("registry_node.tx", "registry_node.tx.endpoints"):
            raise
    else:
        routers.append(tx)
    return routers


class BodySizeLimit:
    """Reject request bodies above `limit` bytes with 413, whether or not Content-Length is set."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    too_big = int(value) > self.limit
                except ValueError:
                    too_big = False
                if too_big:
                    await self._reject(scope, receive, send)
                    return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _BodyTooLarge
            return message

        try:
            await self.app(scope, limited, send)
        except _BodyTooLarge:
            await self._reject(scope, receive, send)

    async def _reject(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = {"error": "too_large", "detail": f"request body exceeds {self.limit} bytes"}
        await JSONResponse(body, status_code=413)(scope, receive, send)


class _BodyTooLarge(Exception):
    pass


def _validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    """Return pydantic errors without echoing the input (it may be huge or not UTF-8)."""
    return [
        {
            "loc": [str(part) for part in err.get("loc", ())],
            "field": str(err["loc"][-1]) if err.get("loc") else None,
            "msg": str(err.get("msg", "")),
            "type": str(err.get("type", "")),
        }
        for err in exc.errors()
    ]


# The body every error handler below answers with. FastAPI documents 422 with its own
# `HTTPValidationError` (`detail` an array); the document must describe what is sent (found by
# schemathesis, tests/reliability/test_reliability_api_fuzz.py).
ERROR_BODY_SCHEMA: dict[str, Any] = {
    "title": "HTTPValidationError",
    "description": 'Error body: `{"error", "detail", "field", ...}` (422 lists `errors`).',
    "type": "object",
    "required": ["error", "detail"],
    "properties": {
        "error": {"type": "string", "title": "Error"},
        "detail": {"type": "string", "title": "Detail"},
        "field": {"anyOf": [{"type": "string"}, {"type": "null"}], "title": "Field"},
        "errors": {"type": "array", "items": {"type": "object"}, "title": "Errors"},
    },
    "additionalProperties": True,
}


def _document_error_bodies(app: FastAPI) -> None:
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = generate()
        schemas = schema.setdefault("components", {}).setdefault("schemas", {})
        schemas["HTTPValidationError"] = ERROR_BODY_SCHEMA
        ref = {"$ref": "#/components/schemas/HTTPValidationError"}
        for path, item in schema.get("paths", {}).items():
            for operation in item.values():
                if not isinstance(operation, dict) or "responses" not in operation:
                    continue
                extra = {"503": "Database or chain busy or unreachable; retry after Retry-After"}
                extra["422"] = "Invalid input; the body names the field"
                if "{" in path:
                    extra["404"] = "Not found"
                if "requestBody" in operation:
                    extra["400"] = "Malformed JSON or a body that is not UTF-8"
                    extra["413"] = "Body larger than max_body_bytes"
                    extra["415"] = "Body is not application/json"
                if path.startswith("/v1/tx"):
                    extra["401"] = "Missing, unknown, expired or revoked token"
                    extra["403"] = "Operation not allowed for this token"
                responses = operation["responses"]
                for code, description in extra.items():
                    responses.setdefault(
                        code,
                        {
                            "description": description,
                            "content": {"application/json": {"schema": ref}},
                        },
                    )
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RegistryError)
    async def _registry_error(_: Request, exc: RegistryError) -> JSONResponse:
        headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, Unavailable) else None
        return JSONResponse(exc.body(), status_code=exc.status_code, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = _validation_errors(exc)
        first = errors[0] if errors else {"field": None, "msg": "invalid request"}
        body = {
            "error": "invalid",
            "detail": f"{first['field']}: {first['msg']}" if first["field"] else first["msg"],
            "field": first["field"],
            "errors": errors,
        }
        return JSONResponse(body, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed", 415: "unsupported_media_type"}
        body = {"error": code.get(exc.status_code, "http_error"), "detail": str(exc.detail)}
        return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(OperationalError)
    async def _db_unavailable(_: Request, exc: OperationalError) -> JSONResponse:
        log.warning("database unavailable: %s", exc.orig)
        body = {"error": "unavailable", "detail": "the index database is busy; retry shortly"}
        return JSONResponse(body, status_code=503, headers={"Retry-After": "1"})

    @app.exception_handler(PoolTimeout)
    async def _pool_timeout(_: Request, exc: PoolTimeout) -> JSONResponse:
        body = {"error": "unavailable", "detail": "too many concurrent requests; retry shortly"}
        return JSONResponse(body, status_code=503, headers={"Retry-After": "1"})


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the node's API; the indexer runs in a background thread unless disabled."""
    from registry_node.health.chain import ChainStatus
    from registry_node.indexer.runner import IndexerThread

    settings = settings or Settings()
    engine = make_engine(settings)
    metrics = NodeMetrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.migrate_on_startup:
            migrate.upgrade(engine)
        indexer = IndexerThread(settings, engine, metrics) if settings.run_indexer else None
        app.state.indexer = indexer
        if indexer is not None:
            indexer.start()
        try:
            yield
        finally:
            if indexer is not None:
                indexer.stop()
            engine.dispose()

    app = FastAPI(
        title="Wuhan carbon-inclusive credit registry node",
        version="1",
        summary="A read-only, chain-derived index of the registry, plus the signing service.",
        description=(
            "The chain is the source of truth; every record here is derived from contract "
            "events. **Amounts** are integer grams of CO2e given as decimal *strings* "
            "(`grams`, exact for any uint256) with a `tonnes` display string (6 decimals). "
            "Lists are paginated with `limit` (capped) and `offset`. Errors are JSON "
            '`{"error", "detail", ...}`; bad input is 4xx, never 500.'
        ),
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = make_session_factory(engine)
    app.state.metrics = metrics
    app.state.chain = ChainStatus(settings)
    app.state.indexer = None
    _install_error_handlers(app)
    _document_error_bodies(app)
    for router in _routers():
        app.include_router(router)

    @app.middleware("http")
    async def _observe(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        started = time.perf_counter()
        response = await call_next(request)
        route = request.scope.get("route")
        path = getattr(route, "path", "unmatched")
        metrics.latency.labels(request.method, path).observe(time.perf_counter() - started)
        metrics.requests.labels(request.method, path, str(response.status_code)).inc()
        return response

    @app.get("/metrics", include_in_schema=False)
    def prometheus_metrics() -> Response:
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    app.add_middleware(BodySizeLimit, limit=settings.max_body_bytes)
    return app
