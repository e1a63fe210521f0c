"""HTTP endpoints of the signing service: one POST per operation, raw relay, status, ops list.

Every request under /v1/tx is audited (operation, token id, outcome, status; never a secret)
by `AuditedRoute`, whatever its outcome: 401, 403, 422, 409, 503 or success.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from typing import Annotated, Any, TypeVar

import anyio
import anyio.to_thread
from fastapi import APIRouter, Body, Depends, FastAPI, Header, Path, Request, Response, Security
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session, sessionmaker

from registry_node.config import Settings
from registry_node.errors import Forbidden, RegistryError, Unauthorized, Unavailable
from registry_node.tx import repository as repo
from registry_node.tx.auth import Principal, authenticate, may_sign
from registry_node.tx.builder import build_service
from registry_node.tx.models import SigningAudit
from registry_node.tx.ops import OPERATIONS, RELAY, Operation, OpRequest
from registry_node.tx.service import Answer, SigningService

log = logging.getLogger("registry_node.tx.audit")
T = TypeVar("T")

_bearer = HTTPBearer(auto_error=False, description="API token `rnt_<id>_<secret>`")
_OK: dict[int | str, dict[str, Any]] = {
    200: {"description": "Mined"},
    202: {"description": "Sent, not mined yet (poll GET /v1/tx/{id})"},
}
_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "Missing, unknown, expired or revoked token"},
    403: {"description": "The token (or its key's role) may not perform this operation"},
    409: {"description": "Reverts on a state conflict (decoded custom error), or key reuse"},
    422: {"description": "Invalid field, or reverts on an invalid value (decoded error)"},
    503: {"description": "Chain RPC or remote signer unavailable; see Retry-After"},
}


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Load keys (refusing to start on any problem), reconcile nonces, stop on shutdown."""
    settings: Settings = app.state.settings
    sessions: sessionmaker[Session] = app.state.sessions
    service = build_service(settings, sessions, getattr(app.state, "tx_keyring", None))
    app.state.signing = service
    app.state.tx_limiter = anyio.CapacityLimiter(settings.tx_max_inflight)
    try:
        yield
    finally:
        app.state.signing = None
        if service is not None:
            service.close()


class AuditedRoute(APIRoute):
    """A route that writes one audit line per request, whatever the outcome."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def audited(request: Request) -> Response:
            try:
                response = await handler(request)
            except RegistryError as exc:
                await _audit(request, exc.status_code, exc.code, exc.detail)
                raise
            except RequestValidationError as exc:
                first = exc.errors()[0] if exc.errors() else {}
                where = ".".join(str(p) for p in first.get("loc", ()))
                await _audit(request, 422, "invalid_request", where)
                raise
            except (OperationalError, PoolTimeout):
                # answered 503 by the app's handlers (database busy or restarting): audit that
                await _audit(request, 503, "unavailable", "database unavailable")
                raise
            except Exception:
                await _audit(request, 500, "error", None)
                raise
            outcome = getattr(request.state, "tx_outcome", None) or "ok"
            await _audit(request, response.status_code, outcome, None)
            return response

        return audited


async def _audit(request: Request, status: int, outcome: str, detail: str | None) -> None:
    if request.method == "GET" and status < 400:
        return  # status polling is not a signing request; keep the trail readable
    principal: Principal | None = getattr(request.state, "tx_principal", None)
    op = getattr(request.state, "tx_op", None) or request.url.path.rsplit("/", 1)[-1]
    entry = SigningAudit(
        at=int(time.time() * 1000),
        token_id=principal.token_id if principal else None,
        key_name=principal.key_name if principal else None,
        op=op[:32],
        idempotency_key=request.headers.get("idempotency-key", "")[:255] or None,
        outcome=outcome[:32],
        http_status=status,
        request_id=getattr(request.state, "tx_request_id", None),
        tx_hash=getattr(request.state, "tx_hash", None),
        detail=(detail or "")[:500] or None,
        client=request.client.host if request.client else None,
    )
    log.info(
        "signing request op=%s token=%s key=%s status=%d outcome=%s request=%s tx=%s",
        entry.op,
        entry.token_id,
        entry.key_name,
        status,
        entry.outcome,
        entry.request_id,
        entry.tx_hash,
    )
    sessions: sessionmaker[Session] = request.app.state.sessions

    def write() -> None:
        with repo.write(sessions) as session:
            repo.add_audit(session, entry)

    try:
        await run_in_threadpool(write)
    except Exception:  # the audit log must never turn an answer into a 500
        log.exception("audit line not written (op=%s status=%d)", entry.op, status)


def get_service(request: Request) -> SigningService:
    """Return the app's signing service.

    Raises:
        Unavailable: the node runs without a signing service (no deployment manifest).
    """
    service: SigningService | None = getattr(request.app.state, "signing", None)
    if service is None:
        raise Unavailable("the signing service is not configured on this node", retry_after=60)
    return service


def get_principal(
    request: Request,
    service: Annotated[SigningService, Depends(get_service)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)],
) -> Principal:
    """Authenticate the bearer token.

    Raises:
        Unauthorized: no token, or an unknown, expired or revoked one.
    """
    if credentials is None:
        raise Unauthorized("missing bearer token (Authorization: Bearer rnt_...)")
    with service.sessions() as session:
        principal = authenticate(session, credentials.credentials, int(time.time()))
    if principal is None:
        raise Unauthorized("unknown, expired or revoked token")
    request.state.tx_principal = principal
    return principal


ServiceDep = Annotated[SigningService, Depends(get_service)]
PrincipalDep = Annotated[Principal, Depends(get_principal)]
IdempotencyKey = Annotated[
    str,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=255,
        description="Client-chosen unique key: a retry with the same key returns the first "
        "result; the same key with a different body is a 409",
    ),
]

router = APIRouter(prefix="/v1/tx", tags=["signing"], lifespan=_lifespan, route_class=AuditedRoute)


async def _in_worker(request: Request, fn: Callable[..., T], *args: Any) -> T:
    """Run a blocking service call on the signing service's own thread limiter.

    A request waits for its receipt (a block period on QBFT), so signing requests must not
    occupy FastAPI's shared pool of 40 threads: they get `tx_max_inflight` threads of their own.
    """
    limiter: anyio.CapacityLimiter = request.app.state.tx_limiter
    return await anyio.to_thread.run_sync(functools.partial(fn, *args), limiter=limiter)


def _reply(request: Request, answer: Answer) -> JSONResponse:
    tx = answer.body.get("tx", answer.body)
    request.state.tx_request_id = tx.get("id")
    request.state.tx_hash = tx.get("tx_hash")
    request.state.tx_outcome = tx.get("status")
    headers = {"Location": f"/v1/tx/{tx['id']}"} if tx.get("id") else None
    return JSONResponse(answer.body, status_code=answer.status_code, headers=headers)


class OperationInfo(BaseModel):
    """One signable operation."""

    op: str = Field(description="Operation name (POST /v1/tx/{op})")
    contract: str = Field(description="Contract it calls")
    address: str = Field(description="That contract's address")
    function: str = Field(description="The one function it calls")
    summary: str = Field(description="What it does")
    roles: list[str] = Field(description="Key roles allowed to sign it")


@router.get("/ops", response_model=list[OperationInfo], summary="List signable operations")
def list_operations(service: ServiceDep, _: PrincipalDep) -> list[dict[str, Any]]:
    """List every operation with the single (contract, function) it maps to."""
    return service.operations()


class RawTransaction(BaseModel):
    """A transaction signed elsewhere (self-custody), to relay."""

    model_config = ConfigDict(extra="forbid", strict=True)
    raw: str = Field(
        pattern=r"^0x([0-9a-fA-F]{2})+$",
        max_length=262_146,
        description="The signed transaction, RLP (legacy) or EIP-2718 typed, as 0x hex",
    )


@router.post(
    "/raw",
    summary="Relay a user-signed transaction",
    responses=_ERRORS,
    status_code=200,
)
async def relay_raw(
    request: Request,
    body: RawTransaction,
    service: ServiceDep,
    principal: PrincipalDep,
    idempotency_key: Annotated[
        str | None, Header(alias="Idempotency-Key", min_length=1, max_length=255)
    ] = None,
) -> JSONResponse:
    """Relay a transaction a self-custody user signed, after checking its chain id, that it
    calls the registry, the ledger or the market, that its selector is one of their functions
    and that it sends no value; it is simulated first and tracked to its receipt like the
    node's own."""
    request.state.tx_op = "relay"
    if RELAY not in principal.ops:
        raise Forbidden("this token may not relay transactions")
    raw = bytes.fromhex(body.raw[2:])
    answer = await _in_worker(request, service.relay, principal, raw, idempotency_key)
    return _reply(request, answer)


@router.get(
    "/{ref}",
    summary="Status of a request or transaction",
    responses={404: {"description": "Unknown request id and transaction hash"}},
)
async def tx_status(
    request: Request,
    service: ServiceDep,
    _: PrincipalDep,
    ref: Annotated[
        str,
        Path(
            pattern=r"^(0x[0-9a-fA-F]{64}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$",
            description="Request id (uuid) or transaction hash",
        ),
    ],
) -> dict[str, Any]:
    """Return pending / mined / failed (with the decoded error) for a request id or a tx hash;
    a mined transaction whose receipt vanished in a reorg is reported pending again."""
    status: dict[str, Any] = await _in_worker(request, service.status, ref)
    return status


def _op_endpoint(op: Operation) -> Callable[..., Coroutine[Any, Any, JSONResponse]]:
    async def endpoint(
        request: Request,
        body: Annotated[OpRequest, Body()],
        service: ServiceDep,
        principal: PrincipalDep,
        idempotency_key: IdempotencyKey,
    ) -> JSONResponse:
        request.state.tx_op = op.name
        why = may_sign(principal, op.name, service.keyring)
        if why is not None:
            raise Forbidden(why, op=op.name)
        answer = await _in_worker(request, service.submit, principal, op, body, idempotency_key)
        return _reply(request, answer)

    # Each operation documents and validates its own strict request model.
    endpoint.__annotations__["body"] = Annotated[op.model, Body()]
    endpoint.__name__ = f"sign_{op.name}"
    endpoint.__doc__ = (
        f"{op.summary}\n\nSigns `{op.function}` on the {op.contract} contract with the token's "
        "key after simulating it; answers 200 when mined, 202 while pending, 409/422 with the "
        "decoded custom error when it reverts."
    )
    return endpoint


for _op in OPERATIONS.values():
    router.add_api_route(
        f"/{_op.name}",
        _op_endpoint(_op),
        methods=["POST"],
        summary=_op.summary,
        responses={**_OK, **_ERRORS},
    )
