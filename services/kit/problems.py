"""RFC 9457 ``application/problem+json`` errors, raised by domain and api code alike."""
from __future__ import annotations

from typing import Any

PROBLEM_JSON = "application/problem+json"


class Problem(Exception):
    """An error the client can act on. ``errors`` maps each offending field to its messages."""

    status = 400
    title = "Bad Request"

    def __init__(self, detail: str, *, status: int | None = None, title: str | None = None,
                 errors: dict[str, Any] | None = None, **extra: Any):
        super().__init__(detail)
        self.detail = detail
        if status is not None:
            self.status = status
        if title is not None:
            self.title = title
        self.errors = errors or {}
        self.extra = extra

    def to_dict(self, instance: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"type": "about:blank", "title": self.title, "status": self.status, "detail": self.detail}
        if instance:
            body["instance"] = instance
        if self.errors:
            body["errors"] = self.errors
        body.update(self.extra)
        return body


class Invalid(Problem):
    """The request is well-formed but a field breaks a rule (an unknown timezone, end before start)."""

    status = 422
    title = "Unprocessable Content"

    def __init__(self, field: str, message: str, **extra: Any):
        super().__init__(f"{field}: {message}", errors={field: [message]}, **extra)


class NotFound(Problem):
    status = 404
    title = "Not Found"


class Conflict(Problem):
    status = 409
    title = "Conflict"


class PreconditionFailed(Problem):
    status = 412
    title = "Precondition Failed"


class Forbidden(Problem):
    status = 403
    title = "Forbidden"


class Unauthorized(Problem):
    """No credentials, or ones that cannot be verified (a forged or expired signed principal)."""

    status = 401
    title = "Unauthorized"
