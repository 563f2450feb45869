"""Errors the service layer raises; the API maps each to one HTTP status, once."""

KEY_REUSED = "this Idempotency-Key was already used for a different visit; use a new key"
"""What a reused Idempotency-Key (same key, different request) is told, wherever it is found."""


class CareRouteError(Exception):
    """Base of every expected error; `code` is the machine-readable name."""

    code = "error"


class NotFoundError(CareRouteError):
    code = "not_found"


class ValidationError(CareRouteError):
    code = "invalid_request"


class ConflictError(CareRouteError):
    """The same idempotency key was reused with a different request."""

    code = "conflict"


class QuotaExhaustedError(ConflictError):
    """A free home-service order does not fit the elder's remaining free minutes."""

    code = "quota_exhausted"


class StorageError(CareRouteError):
    """DynamoDB failed in a way the caller should retry (throttling, timeouts)."""

    code = "storage_unavailable"


class ForbiddenError(CareRouteError):
    """The caller may not act on this elder, steward or scope."""

    code = "forbidden"


class UnauthorizedError(CareRouteError):
    """No verified caller (API Gateway normally stops these before the handler)."""

    code = "unauthorized"
