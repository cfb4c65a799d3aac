"""A track's overview in one request, composed by the gateway: ``GET /events/{event}/tracks/{track}/overview``.

The gateway asks the three services at once over its pooled client, each with the caller's principal
signed for that service alone (so each applies its own rules): schedule for the track and its sessions,
notes for each session note's link and item counts and the latest published summary, actions for the
open actions (open or in progress). No service holds a copy of another's data for this; the answer is
as fresh as each service's own. An unknown track is the schedule's 404; a track notes has not heard of
yet (its copy follows the schedule's event) shows no notes rather than failing.
"""
from __future__ import annotations

import asyncio
import json
import uuid
from urllib.parse import quote, urlencode

import aiohttp

from services.kit import identity
from services.kit.logs import request_id_var
from services.kit.problems import Problem
from services.kit.web import PRINCIPAL_HEADER, REQUEST_ID_HEADER

PAGE = 500  # the services' largest page
OPEN_STATUSES = "open,in_progress"


class Upstream(Exception):
    """A service's answer that is the overview's answer (its problem, or 503 when it is unreachable)."""

    def __init__(self, status: int, body: bytes, content_type: str):
        super().__init__(status)
        self.status, self.body, self.content_type = status, body, content_type


class Services:
    """GETs to the services as ``principal``."""

    def __init__(self, http: aiohttp.ClientSession, upstreams: dict[str, str], principal: dict):
        self.http, self.upstreams, self.principal = http, upstreams, principal
        self.request_id = request_id_var.get() or str(uuid.uuid4())

    async def get(self, service: str, path: str, query: dict | None = None, missing_ok: bool = False):
        url = self.upstreams[service] + path + ("?" + urlencode(query) if query else "")
        headers = {"accept": "application/json", REQUEST_ID_HEADER: self.request_id,
                   PRINCIPAL_HEADER: identity.sign(self.principal, audience=service)}
        try:
            async with self.http.get(url, headers=headers, allow_redirects=False) as response:
                body = await response.read()
                if response.status == 200:
                    return json.loads(body)
                if response.status == 404 and missing_ok:
                    return None
                raise Upstream(response.status, body, response.headers.get("content-type", "application/problem+json"))
        except (aiohttp.ClientError, TimeoutError) as exc:
            problem = Problem(f"the {service} service is unavailable; try again shortly", status=503,
                              title="Service Unavailable")
            raise Upstream(503, json.dumps(problem.to_dict()).encode(), "application/problem+json") from exc

    async def every(self, service: str, path: str, query: dict) -> list[dict]:
        """Every item of a paged listing, page after page."""
        items, cursor = [], None
        while True:
            page = await self.get(service, path, {**query, "limit": PAGE, **({"cursor": cursor} if cursor else {})})
            items += page["items"]
            cursor = page.get("next_cursor")
            if not cursor:
                return items


async def track_overview(services: Services, event: str, track: str) -> dict:
    """The track, its sessions (each with its note's link and item counts), its open actions and the
    latest summary. Raises :class:`Upstream` with the answer to give when a service refuses or is down."""
    base = f"/events/{quote(event, safe='')}/tracks/{quote(track, safe='')}"
    found, sessions, notes, actions = await asyncio.gather(
        services.get("schedule", base),
        services.every("schedule", f"/events/{quote(event, safe='')}/sessions", {"track": track}),
        services.get("notes", base + "/notes", missing_ok=True),
        services.every("actions", "/actions", {"event": event, "track": track, "status": OPEN_STATUSES}),
    )
    notes = notes or {"sessions": [], "track_note": None, "latest_summary": None}
    note_of = {glance["session_id"]: glance for glance in notes["sessions"]}
    return {
        "event": event,
        "track": found,
        "sessions": [{"session": session, "note": note_of.get(session["id"])} for session in sessions],
        "track_note": notes["track_note"],
        "open_actions": actions,
        "latest_summary": notes["latest_summary"],
    }
