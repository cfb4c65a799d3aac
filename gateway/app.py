"""The gateway process: a connexion AsyncApp serving openapi/gateway.yaml under /api/v1.

``gunicorn -k uvicorn_worker.UvicornWorker gateway.app:app``. Every operation's ``operationId``
names its owner: ``schedule.events.create_event`` is proxied to the schedule service, ``gateway.*`` is
handled here (the token operations of :mod:`gateway.tokens`). Every request first passes the
limits of :mod:`gateway.limits` (429, 413). ``x-ptghub-roles`` lists the roles an operation admits
(refused by :mod:`gateway.roles` before validation); the service then applies its object-level
rules to the principal passed in ``X-Ptghub-Principal``, signed for that service alone
(:mod:`services.kit.identity`). ``OPTIONS`` and 405 answers take their ``Allow`` from the document
(:class:`AllowedMethodsMiddleware`).
"""
from __future__ import annotations

import asyncio
import json
import logging
import re
import uuid
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
from connexion import AsyncApp, request
from connexion.context import context
from connexion.exceptions import OAuthProblem
from connexion.lifecycle import ConnexionResponse
from connexion.middleware import MiddlewarePosition
from connexion.resolver import Resolution, Resolver
from starlette.responses import FileResponse, JSONResponse, Response

from services.kit import config, identity, logs
from services.kit.db import Database
from services.kit.logs import request_id_var
from services.kit.problems import PROBLEM_JSON, Forbidden, NotFound, Problem
from services.kit.service import database as service_database
from services.kit.web import COMMITTED_EVENTS_HEADER, PRINCIPAL_HEADER, REQUEST_ID_HEADER

from . import SERVICE, board, document, live, overview, public_reads, stream, tokens
from .descriptor import DESCRIPTOR
from .document import SPEC
from .limits import LimitsMiddleware
from .roles import RolesMiddleware
from .validation import VALIDATORS

logger = logging.getLogger(__name__)

BASE_PATH = "/api/v1"
PUBLIC = identity.PUBLIC
FORWARDED_REQUEST_HEADERS = ("content-type", "accept", "if-match", "if-none-match", "if-modified-since")
FORWARDED_RESPONSE_HEADERS = ("content-type", "etag", "location", "retry-after", "cache-control", "last-modified",
                              "content-disposition",
                              # the one-click link pages (actions.links) keep their token to themselves
                              "content-security-policy", "referrer-policy", "x-robots-tag")
JSON_TYPES = ("application/json", "application/problem+json", "application/merge-patch+json")


def gateway_database() -> Database:
    return service_database(DESCRIPTOR)


class State:
    """Per-process resources: created lazily inside the worker's event loop."""

    def __init__(self):
        self.database = gateway_database()
        self.tokens = tokens.TokenCache(self.database)
        self.upstreams = {name: config.service_url(name) for name in config.SERVICE_NAMES}
        self._http: aiohttp.ClientSession | None = None

    @property
    def http(self) -> aiohttp.ClientSession:
        if self._http is None or self._http.closed:
            self._http = aiohttp.ClientSession(
                # idle connections are dropped before the services' gunicorn closes them (keep-alive 2 s):
                # reusing one it has closed fails the request ("Can not write request body", a 503)
                connector=aiohttp.TCPConnector(limit=256, keepalive_timeout=1.5, ttl_dns_cache=300),
                timeout=aiohttp.ClientTimeout(total=30, connect=5),
                auto_decompress=False,
            )
        return self._http


STATE: State | None = None


def state() -> State:
    global STATE
    if STATE is None:
        STATE = State()
    return STATE


def problem(p: Problem) -> Response:
    return Response(json.dumps(p.to_dict()), status_code=p.status, media_type=PROBLEM_JSON)


async def bearer_info(token: str) -> dict | None:
    """connexion's x-bearerInfoFunc: the principal behind a token, or None (401; expired: 401 saying so)."""
    try:
        principal = await state().tokens.principal(token)
    except tokens.TokenExpired as exc:
        unauthorized = OAuthProblem(detail=exc.detail)
        unauthorized.ext = {"errors": exc.errors}
        raise unauthorized from None
    if principal is None:
        return None
    return {**principal, "scope": []}


def current_principal() -> dict:
    info = context.get("token_info")
    if not info:
        return PUBLIC
    principal = {"sub": info["sub"], "name": info.get("name", info["sub"]), "role": info["role"],
                 "tracks": info.get("tracks", []), "relay": info.get("relay", False)}
    if info.get("events"):
        principal["events"] = info["events"]
    return principal


def check_roles(roles: list[str] | None, principal: dict) -> None:
    if roles and principal["role"] not in roles:
        raise Forbidden(f"this operation needs one of the roles: {', '.join(roles)}")


def make_proxy(service: str, roles: list[str] | None):
    async def proxy(body=None, **_params):
        principal = current_principal()
        try:
            check_roles(roles, principal)
        except Problem as p:
            return problem(p)
        path = request.url.path
        upstream_path = path[len(BASE_PATH):] if path.startswith(BASE_PATH) else path
        url = state().upstreams[service] + upstream_path
        if request.url.query:
            url += "?" + request.url.query
        headers = {h: request.headers[h] for h in FORWARDED_REQUEST_HEADERS if h in request.headers}
        headers[REQUEST_ID_HEADER] = request_id_var.get() or str(uuid.uuid4())
        headers[PRINCIPAL_HEADER] = identity.sign(principal, audience=service)
        data = _upstream_body(body)
        if data is not None and _is_json(request.headers.get("content-type")):
            headers["content-type"] = "application/json"
        try:
            async with state().http.request(request.method, url, data=data, headers=headers,
                                            allow_redirects=False) as upstream:
                payload = await upstream.read()
                out_headers = {h: upstream.headers[h] for h in FORWARDED_RESPONSE_HEADERS if h in upstream.headers}
                committed = upstream.headers.get(COMMITTED_EVENTS_HEADER)
        except (aiohttp.ClientError, TimeoutError) as exc:
            logger.warning("upstream %s unreachable: %r", service, exc)
            return problem(Problem("this part of ptghub is unavailable just now; try again shortly", status=503,
                                   title="Service Unavailable"))
        if committed and READS is not None:
            READS.made(committed.split(","))  # the header itself stays here (not forwarded)
        if upstream.status >= 500:  # whatever a failing service said stays in its log (the request id finds it)
            logger.warning("upstream %s answered %s", service, upstream.status)
            failed = problem(Problem("the request could not be completed just now; try again shortly",
                                     status=503, title="Service Unavailable"))
            if "retry-after" in out_headers:
                failed.headers["retry-after"] = out_headers["retry-after"]
            return failed
        if "location" in out_headers and out_headers["location"].startswith("/"):
            out_headers["location"] = BASE_PATH + out_headers["location"]
        media_type = out_headers.pop("content-type", None)
        return Response(payload, status_code=upstream.status, headers=out_headers, media_type=media_type)

    proxy.__name__ = f"proxy_{service}"
    return proxy


def _is_json(content_type: str | None) -> bool:
    media = (content_type or "").split(";", 1)[0].strip().lower()
    return not media or media in JSON_TYPES or media.endswith("+json")


def _upstream_body(body) -> bytes | None:
    """The body to send on, in the type the client sent: JSON as validated, re-encoded; a form (the
    one-click link pages, RFC 8058's ``List-Unsubscribe=One-Click``) as its fields, form-encoded
    again (connexion has parsed it); any other type as its bytes."""
    if body is None:
        return None
    if _is_json(request.headers.get("content-type")):
        return json.dumps(body).encode()
    if isinstance(body, dict):
        return urlencode(body, doseq=True).encode() or None
    return bytes(body) or None


# -- operations the gateway answers itself (load -> one operation in gateway.tokens -> dump) -----
def token_body(row) -> dict:
    def iso(at):
        return at.isoformat() if at is not None else None
    return {"id": row.id, "name": row.name, "role": row.role, "tracks": row.tracks, "relay": row.relay,
            "events": row.events, "created_at": iso(row.created_at), "expires_at": iso(row.expires_at),
            "last_used_at": iso(row.last_used_at)}


async def create_token(body: dict):
    check_roles(["organiser"], current_principal())
    command = tokens.NewToken(name=body["name"], role=body["role"], tracks=body.get("tracks", []),
                              relay=body.get("relay", False), events=body.get("events", []),
                              expires_at=tokens.parse_time("expires_at", body.get("expires_at")))
    row, token = await asyncio.to_thread(tokens.issue, state().database, command, by=current_principal())
    return JSONResponse({**token_body(row), "token": token}, status_code=201)


async def list_tokens(limit: int = 50, cursor: str | None = None):
    check_roles(["organiser"], current_principal())
    page = await asyncio.to_thread(tokens.list_page, state().database, limit, cursor, by=current_principal())
    return JSONResponse({"items": [token_body(r) for r in page.items], "next_cursor": page.next_cursor})


async def revoke_token(token_id: str):
    check_roles(["organiser"], current_principal())
    await asyncio.to_thread(tokens.revoke, state().database, token_id, by=current_principal())
    state().tokens.forget()
    return Response(status_code=204)


async def track_overview(event: str, track: str):
    services = overview.Services(state().http, state().upstreams, current_principal())
    try:
        return JSONResponse(await overview.track_overview(services, event, track))
    except overview.Upstream as refused:
        return Response(refused.body, status_code=refused.status, media_type=refused.content_type)


LOCAL_OPERATIONS = {"create_token": create_token, "list_tokens": list_tokens, "revoke_token": revoke_token,
                    "stream_events": stream.stream_events, "track_overview": track_overview}


class RoutingResolver(Resolver):
    """``<service>.<name>`` → a proxy to that service; ``gateway.<name>`` → a local handler."""

    def resolve(self, operation):
        operation_id = operation.operation_id
        owner, _, name = operation_id.partition(".")
        if owner == SERVICE:
            return Resolution(LOCAL_OPERATIONS[name], operation_id)
        if owner not in config.SERVICE_NAMES:
            raise ValueError(f"operationId {operation_id!r} names no service")
        return Resolution(make_proxy(owner, operation._operation.get("x-ptghub-roles")), operation_id)


def methods_by_path(spec_file: Path = SPEC, base_path: str = BASE_PATH) -> list[tuple[re.Pattern, frozenset[str], int]]:
    """``[(path pattern, methods, templated segments)]`` of the gateway document: the methods each
    path defines, plus HEAD where GET is served and OPTIONS everywhere (it answers with the list)."""
    table = []
    for template, item in document.paths(spec_file).items():
        methods = {m.upper() for m in document.METHODS if m in item}
        if "GET" in methods:
            methods.add("HEAD")
        methods.add("OPTIONS")
        pattern = "".join("[^/]+" if part.startswith("{") else re.escape(part)
                          for part in re.split(r"(\{[^}]+\})", template))
        table.append((re.compile(re.escape(base_path) + pattern + "$"), frozenset(methods), template.count("{")))
    return table


class AllowedMethodsMiddleware:
    """``Allow`` from the document, not from the router: ``OPTIONS`` on a path of the API answers
    204 with the methods the path defines, and a method it does not define is a 405 problem with
    the same ``Allow`` (the router alone knows only the one route it tried last)."""

    def __init__(self, app, table: list[tuple[re.Pattern, frozenset[str], int]]):
        self.app = app
        self.table = table

    def allowed(self, path: str) -> frozenset[str] | None:
        """The methods of the path that matches most literally (``/actions/bulk`` before
        ``/actions/{action_id}``, as OpenAPI resolves them)."""
        found = [(templated, methods) for pattern, methods, templated in self.table if pattern.match(path)]
        if not found:
            return None
        fewest = min(templated for templated, _methods in found)
        return frozenset().union(*(methods for templated, methods in found if templated == fewest))

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        allowed = self.allowed(scope["path"])
        method = scope["method"].upper()
        if allowed is None or (method in allowed and method != "OPTIONS"):
            return await self.app(scope, receive, send)
        allow = ", ".join(sorted(allowed))
        if method == "OPTIONS":
            response = Response(status_code=204, headers={"allow": allow})
        else:
            response = problem(Problem(f"{method} is not allowed on {scope['path']}; allowed: {allow}", status=405,
                                       title="Method Not Allowed", errors={"method": [f"one of {allow}"]}))
            response.headers["allow"] = allow
        await response(scope, receive, send)


class RequestIdMiddleware:
    """Gives every request an id (or keeps the caller's) and returns it in ``X-Request-Id``."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        incoming = dict(scope.get("headers") or []).get(b"x-request-id")
        request_id = incoming.decode("latin-1") if incoming else str(uuid.uuid4())
        token = request_id_var.set(request_id)

        async def send_with_id(message):
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + [(b"x-request-id", request_id.encode("latin-1"))]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            request_id_var.reset(token)


def problem_handler(_request, exc: Problem) -> ConnexionResponse:
    """A Problem raised by a local operation (gateway.tokens) becomes its problem+json answer."""
    return ConnexionResponse(status_code=exc.status, mimetype=PROBLEM_JSON, body=json.dumps(exc.to_dict()))


async def healthz(_request):
    return JSONResponse({"status": "ok", "service": SERVICE})


async def readyz(_request):
    checks = {}
    try:
        await asyncio.to_thread(state().database.ping)
        checks["database"] = "ok"
    except Exception as exc:  # readiness reports, it doesn't crash
        checks["database"] = f"unreachable: {exc.__class__.__name__}"
    for name, base in state().upstreams.items():
        try:
            async with state().http.get(base + "/healthz", timeout=aiohttp.ClientTimeout(total=2)) as response:
                checks[name] = "ok" if response.status == 200 else f"status {response.status}"
        except (aiohttp.ClientError, TimeoutError):
            checks[name] = "unreachable"
    checks["live"] = "ok" if live.hub().connected else "not consuming (the stream gets no events)"
    # Ready means this gateway can serve: its own database answers. A service that is down is
    # reported (its routes answer 503) but does not take the whole public API out of rotation.
    ready = checks["database"] == "ok"
    degraded = any(v != "ok" for v in checks.values())
    status = "not ready" if not ready else "degraded" if degraded else "ready"
    return JSONResponse({"status": status, "checks": checks}, status_code=200 if ready else 503)


async def static_file(request):
    """Files under PTGHUB_STATIC_DIR (default var/static) at /static/ — e.g. ptgbot's web page."""
    root = (config.var_dir() / "static") if not config.env("STATIC_DIR") else Path(config.env("STATIC_DIR"))
    root = root.resolve()
    target = (root / request.path_params["path"]).resolve()
    if root not in target.parents or not target.is_file():
        return problem(NotFound("no such file", errors={"path": ["unknown file"]}))
    stat = target.stat()
    etag = f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers={"etag": etag})
    return FileResponse(target, headers={"etag": etag}, stat_result=stat)



READS: public_reads.PublicReads | None = None  # this process's kept public reads (gateway.public_reads)


def schedule_changed(cloud_event) -> None:
    """A change the live queue heard of: the public reads of its event are no longer sure (every
    public read is the schedule's)."""
    if READS is None or READS.heard(cloud_event.id):
        return  # a write through this worker made it: what it changed was dropped and fetched again
    if cloud_event.type.startswith("ptghub.schedule."):
        READS.changed(live.scope_of(cloud_event)[0])


def queue_bound() -> None:
    """The live queue is bound (again): what changed while it was not is unknown."""
    if READS is not None:
        READS.changed(None)


live.hub().listen(schedule_changed)
live.hub().on_connect(queue_bound)


def create_app() -> AsyncApp:
    global STATE, READS
    STATE = None  # built lazily, from the configuration of the app being created
    READS = public_reads.PublicReads(ttl=config.number("PUBLIC_CACHE_TTL", public_reads.DEFAULT_TTL))
    logs.configure(SERVICE, config.env("LOG_LEVEL", "INFO"))
    app = AsyncApp(__name__, specification_dir=str(SPEC.parent), lifespan=live.lifespan)
    app.add_api(document.resolved(SPEC), base_path=BASE_PATH, resolver=RoutingResolver(), strict_validation=True,
                validate_responses=False, validator_map=VALIDATORS)
    app.add_url_rule("/healthz", "healthz", healthz)
    app.add_url_rule("/readyz", "readyz", readyz)
    app.add_url_rule("/static/{path:path}", "static", static_file)
    board.add_routes(app)
    app.add_error_handler(Problem, problem_handler)
    app.add_middleware(RequestIdMiddleware, position=MiddlewarePosition.BEFORE_EXCEPTION)
    if READS.ttl > 0:
        app.add_middleware(public_reads.PublicReadsMiddleware, position=MiddlewarePosition.BEFORE_EXCEPTION,
                           patterns=public_reads.public_get_paths(SPEC, BASE_PATH), reads=READS, base_path=BASE_PATH,
                           schedule_writes=public_reads.schedule_writes(SPEC, BASE_PATH))
    app.add_middleware(AllowedMethodsMiddleware, position=MiddlewarePosition.BEFORE_ROUTING, table=methods_by_path())
    app.add_middleware(LimitsMiddleware, position=MiddlewarePosition.BEFORE_EXCEPTION)
    app.add_middleware(RolesMiddleware, position=MiddlewarePosition.BEFORE_VALIDATION, spec_file=SPEC)
    return app


app = create_app()
