"""Roles before anything else is looked at: an operation's ``x-ptghub-roles`` refused (403) right
after authentication, before its parameters and body are validated.

A reader (or a chair on an organiser's operation) learns nothing about what a valid request would
be, and every write refuses a reader the same way, whatever it sent. The handlers check again
(``gateway.app.check_roles``); the services then apply their object-level rules (which track).
"""
from __future__ import annotations

import json
from pathlib import Path

from services.kit.identity import PUBLIC
from services.kit.problems import PROBLEM_JSON, Forbidden

from . import document


def roles_by_operation(spec_file: Path) -> dict[str, list[str]]:
    """``{operationId: the roles it admits}`` for the operations that name some."""
    return {operation["operationId"]: operation["x-ptghub-roles"]
            for item in document.paths(spec_file).values() for method, operation in item.items()
            if method in document.METHODS and operation.get("x-ptghub-roles")}


def refusal(roles: list[str]) -> Forbidden:
    return Forbidden(f"this operation needs one of the roles: {', '.join(roles)}",
                     errors={"role": [f"one of {', '.join(roles)}"]})


class RolesMiddleware:
    """After connexion's routing and security, before its validation (``BEFORE_VALIDATION``)."""

    def __init__(self, app, spec_file: Path):
        self.app = app
        self.roles = roles_by_operation(spec_file)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        extensions = scope.get("extensions") or {}
        operation_id = (extensions.get("connexion_routing") or {}).get("operation_id")
        roles = self.roles.get(operation_id)
        if roles:
            info = (extensions.get("connexion_context") or {}).get("token_info") or PUBLIC
            if info.get("role") not in roles:
                problem = refusal(roles)
                body = json.dumps(problem.to_dict()).encode()
                await send({"type": "http.response.start", "status": problem.status,
                            "headers": [(b"content-type", PROBLEM_JSON.encode()),
                                        (b"content-length", str(len(body)).encode())]})
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)
