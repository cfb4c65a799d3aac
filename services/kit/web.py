"""The Flask side every service shares: app factory, request ids, problem errors, health, metrics."""
from __future__ import annotations

import json
import logging
import time
import uuid
from typing import Any, Callable

from flask import Blueprint, Flask, Response, current_app, g, request
from marshmallow import Schema, ValidationError
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest
from werkzeug.exceptions import HTTPException

from . import config, identity, logs
from .amqp import broker_reachable
from .db import Database, committed_events
from .descriptor import ServiceDescriptor
from .service import database
from .logs import request_id_var
from .problems import PROBLEM_JSON, Problem

logger = logging.getLogger(__name__)

REQUEST_ID_HEADER = "X-Request-Id"
# The ids of the events a write committed, for the gateway (which does not pass it on): it then knows
# the events it hears of on its live queue that its own writes made. Named up to COMMITTED_EVENTS_NAMED
# (a header line stays well under the 8 KB HTTP clients accept); a write that committed more (an import)
# names none, and the gateway treats its events as anyone's.
COMMITTED_EVENTS_HEADER = "Ptghub-Committed-Events"
COMMITTED_EVENTS_NAMED = 64
PRINCIPAL_HEADER = identity.HEADER
# Reachable without a signed principal: probes and scrapers, never data.
UNSIGNED_PATHS = ("/healthz", "/readyz", "/metrics")

REQUESTS = Counter("ptghub_http_requests_total", "HTTP requests served", ["service", "method", "status"])
LATENCY = Histogram("ptghub_http_request_seconds", "HTTP request latency", ["service", "method"])


def problem_response(problem: Problem) -> Response:
    body = problem.to_dict(instance=request.path if request else None)
    return Response(json.dumps(body), status=problem.status, mimetype=PROBLEM_JSON)


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(body, default=str), status=status, mimetype="application/json", headers=headers)


def unit_of_work():
    """A unit of work on the database of the service handling this request (read-only for GET)."""
    return current_app.extensions["database"].unit_of_work(readonly=request.method in ("GET", "HEAD"))


def page(items, schema: Schema, next_cursor: str | None) -> Response:
    """The shape of every list response: ``{"items": [...], "next_cursor": ...}``."""
    return json_response({"items": schema.dump(items, many=True), "next_cursor": next_cursor})


def load(schema: Schema, data: Any = None, **kwargs) -> Any:
    """Validate a request body with a marshmallow schema; field errors become one 400 problem."""
    if data is None:
        data = request.get_json(silent=True)
        if data is None:
            raise Problem("the request body must be a JSON document", status=400, errors={"body": ["Invalid JSON."]})
    try:
        return schema.load(data, **kwargs)
    except ValidationError as exc:
        messages = exc.messages if isinstance(exc.messages, dict) else {"body": exc.messages}
        fields = ", ".join(sorted(messages))
        raise Problem(f"invalid fields: {fields}", status=400, title="Bad Request", errors=messages) from exc


def load_query(schema: Schema) -> Any:
    return load(schema, request.args.to_dict())


def principal() -> dict[str, Any]:
    """Who is calling, as the gateway signed it for this service (``{"sub", "role", "tracks", ...}``).

    Verified before the request reached the route (see ``_verify_principal`` in :func:`create_app`)."""
    return g.principal


def create_app(service: str, database: Database, blueprints: list[Blueprint], amqp_url: str,
               extra_ready: Callable[[], None] | None = None) -> Flask:
    app = Flask(f"ptghub.{service}")
    app.json.sort_keys = False
    app.extensions["database"] = database

    @app.before_request
    def _start():
        g.started = time.perf_counter()
        g.request_id = request.headers.get(REQUEST_ID_HEADER) or str(uuid.uuid4())
        g.request_id_token = request_id_var.set(g.request_id)
        g.committed_events_token = committed_events.set([])

    @app.before_request
    def _verify_principal():
        if request.path in UNSIGNED_PATHS:
            return
        g.principal = identity.verify(request.headers.get(PRINCIPAL_HEADER), audience=service)

    @app.before_request
    def _refuse_nul():
        # PostgreSQL text cannot hold NUL: a path or query value with one is the caller's error, not a 500.
        for name, value in [*(request.view_args or {}).items(), *request.args.items(multi=True)]:
            if isinstance(value, str) and "\x00" in value:
                raise Problem(f"{name}: must not contain NUL characters", status=400, title="Bad Request",
                              errors={name: ["must not contain NUL characters"]})

    @app.after_request
    def _finish(response: Response) -> Response:
        response.headers[REQUEST_ID_HEADER] = g.get("request_id", "")
        committed = committed_events.get()
        if committed and len(committed) <= COMMITTED_EVENTS_NAMED:
            response.headers[COMMITTED_EVENTS_HEADER] = ",".join(committed)
        elapsed = time.perf_counter() - g.get("started", time.perf_counter())
        REQUESTS.labels(service, request.method, response.status_code).inc()
        LATENCY.labels(service, request.method).observe(elapsed)
        if response.status_code >= 500:
            logger.error("%s %s -> %s", request.method, request.path, response.status_code)
        return response

    @app.teardown_request
    def _reset(_exc):
        token = g.pop("request_id_token", None)
        if token is not None:
            request_id_var.reset(token)
        token = g.pop("committed_events_token", None)
        if token is not None:
            committed_events.reset(token)

    @app.errorhandler(Problem)
    def _problem(problem: Problem):
        return problem_response(problem)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        response = problem_response(Problem(exc.description or exc.name, status=exc.code, title=exc.name))
        for name, value in exc.get_headers(request.environ):  # a 405's Allow, say (not its HTML type)
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        logger.exception("unhandled error")
        return problem_response(Problem("internal error; see the logs for this request id", status=500,
                                        title="Internal Server Error", request_id=g.get("request_id")))

    @app.get("/healthz")
    def healthz():
        return json_response({"status": "ok", "service": service})

    @app.get("/readyz")
    def readyz():
        checks = {}
        try:
            database.ping()
            checks["database"] = "ok"
        except Exception as exc:  # report, don't crash: this is what readiness is for
            checks["database"] = f"unreachable: {exc.__class__.__name__}"
        checks["broker"] = "ok" if broker_reachable(amqp_url) else "unreachable"
        if extra_ready:
            checks.update(extra_ready())
        ready = all(v == "ok" for v in checks.values())
        return json_response({"status": "ready" if ready else "not ready", "checks": checks}, 200 if ready else 503)

    @app.get("/metrics")
    def metrics():
        return Response(generate_latest(), mimetype=CONTENT_TYPE_LATEST)

    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    return app


def api_process_app(descriptor: ServiceDescriptor) -> Flask:
    """The app of a service's api process as gunicorn builds it (``services.<name>.app:create_app()``):
    the process's GIL switch interval set first (``PTGHUB_SWITCH_INTERVAL``: a write holding its
    event's lock gets the GIL back sooner after each database round trip), then :func:`service_app`."""
    settings = config.load(descriptor.name)
    config.apply_switch_interval(settings)
    return service_app(descriptor, settings)


def service_app(descriptor: ServiceDescriptor, settings: config.Settings | None = None) -> Flask:
    """A service's api process, wired from its descriptor."""
    settings = settings or config.load(descriptor.name)
    logs.configure(descriptor.name, settings.log_level)
    blueprints = descriptor.blueprints() if descriptor.blueprints else []
    return create_app(descriptor.name, database(descriptor, settings), blueprints, settings.amqp_url)
