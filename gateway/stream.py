"""``GET /api/v1/events/{event}/stream``: a gathering's live changes as Server-Sent Events.

Public, like the board. The frames come from this process's :mod:`gateway.live` hub: each event is
``id: <CloudEvent id>``, ``event: <type>``, ``data: <the CloudEvent JSON>`` (a note's items only
with a token, see :func:`gateway.live.public_data`); a ``: heartbeat`` comment every
``PTGHUB_STREAM_HEARTBEAT`` seconds; ``Last-Event-ID`` resumes after that event, or sends
``event: reset`` when it is no longer kept. The event (and the ``track``) must exist: the schedule
says so (its 404 problem is passed on). No token: the public stream; a valid one: a note's items too;
an invalid one: 401.
"""
from __future__ import annotations

import logging

import aiohttp
from connexion import request
from connexion.context import context
from starlette.responses import Response, StreamingResponse

from services.kit import identity
from services.kit.problems import PROBLEM_JSON
from services.kit.web import PRINCIPAL_HEADER

from . import live

logger = logging.getLogger(__name__)

STREAM_HEADERS = {"cache-control": "no-cache", "x-accel-buffering": "no"}


async def _refusal(path: str) -> Response | None:
    """The schedule's answer to a public read of ``path`` when it is not 200; None when it is."""
    from .app import problem, state  # the app imports this module
    from services.kit.problems import Problem

    try:
        async with state().http.get(state().upstreams["schedule"] + path,
                                    headers={PRINCIPAL_HEADER: identity.sign(identity.PUBLIC, audience="schedule"),
                                             "accept": "application/json"}) as answer:
            if answer.status == 200:
                return None
            body = await answer.read()
            return Response(body, status_code=answer.status,
                            media_type=answer.headers.get("content-type", PROBLEM_JSON))
    except (aiohttp.ClientError, TimeoutError) as exc:
        logger.warning("schedule unreachable for a stream: %r", exc)
        return problem(Problem("the schedule service is unavailable; try again shortly", status=503,
                               title="Service Unavailable"))


async def stream_events(event: str, track: str | None = None):
    from .app import problem  # the app imports this module
    from services.kit.problems import Problem

    token_info = context.get("token_info")
    if request.headers.get("authorization") and not token_info:  # a token, but no valid one: not anonymous
        return problem(Problem("the bearer token is not valid (send none to read the public stream)", status=401,
                               title="Unauthorized", errors={"authorization": ["not a valid token"]}))
    refused = await _refusal(f"/events/{event}" + (f"/tracks/{track}" if track else ""))
    if refused is not None:
        return refused
    subscription = live.hub().subscribe(event, track=track, full=bool(token_info),
                                        last_event_id=request.headers.get("last-event-id") or None)

    async def frames():
        try:
            yield f"retry: {live.RETRY_MS}\n: connected\n\n".encode()
            while True:
                data = await subscription.next()
                if data is None:
                    return
                yield data
        finally:
            subscription.close()

    return StreamingResponse(frames(), media_type="text/event-stream", headers=STREAM_HEADERS)
