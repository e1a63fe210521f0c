"""Typed errors: each maps to one HTTP status and a JSON body ``{"error", "detail", ...}``."""

from __future__ import annotations

from typing import Any, ClassVar


class RegistryError(Exception):
    """Base of every error the node reports to a client."""

    status_code: ClassVar[int] = 500
    code: ClassVar[str] = "internal_error"

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra

    def body(self) -> dict[str, Any]:
        """Return the JSON body sent to the client."""
        return {"error": self.code, "detail": self.detail, **self.extra}


class NotFound(RegistryError):
    """The requested record does not exist (yet) in the index."""

    status_code = 404
    code = "not_found"


class Conflict(RegistryError):
    """The request conflicts with the current state (e.g. duplicate, replay)."""

    status_code = 409
    code = "conflict"


class Invalid(RegistryError):
    """The request is well-formed JSON but a field is not acceptable."""

    status_code = 422
    code = "invalid"


class Unavailable(RegistryError):
    """A dependency (chain RPC, database) is down or busy; retry later."""

    status_code = 503
    code = "unavailable"

    def __init__(self, detail: str, retry_after: int = 1, **extra: Any) -> None:
        super().__init__(detail, **extra)
        self.retry_after = retry_after


class Unauthorized(RegistryError):
    """Missing or invalid credentials."""

    status_code = 401
    code = "unauthorized"


class Forbidden(RegistryError):
    """Credentials are valid but do not allow this operation."""

    status_code = 403
    code = "forbidden"


class IndexerHalted(RuntimeError):
    """The indexer refuses to continue (deep reorg, replaced chain); an operator must act."""
