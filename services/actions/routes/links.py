"""Actions API: the one-click links of reminder mail, served without a login (the token is the
credential): ``GET /a/<token>`` shows a small confirmation page (mail scanners open links: a GET
changes nothing), ``POST /a/<token>`` does it; ``GET /unsubscribe/<token>`` confirms and ``POST``
(RFC 8058 one-click: body ``List-Unsubscribe=One-Click``) turns the person's reminders off.

Answers are HTML pages (errors too, with their status), or JSON (problem+json for errors) when
the client asks for JSON in ``Accept``.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from services.kit.problems import Problem
from services.kit.web import json_response, unit_of_work

from ..domain import links
from ..operations import links as link_operations
from ..schemas.links import LinkResultSchema

blueprint = Blueprint("links", __name__)

result_output = LinkResultSchema()
_pages = Environment(loader=PackageLoader("services.actions", "templates"),
                     autoescape=select_autoescape(default=True, default_for_string=True),
                     undefined=StrictUndefined)

# The page holds a one-time credential in its URL: not cached, not indexed, no referrer, nothing loaded.
PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
                               "frame-ancestors 'none'; base-uri 'none'",
}

CONFIRM = {links.DONE: ("Mark this item done?", "Mark done"),
           links.SNOOZE: ("Snooze this item for a week?", "Snooze 7 days"),
           links.DROP: ("Drop this item?", "Drop it"),
           links.UNSUBSCRIBE: ("Stop reminder mail?", "Unsubscribe")}
DONE_HEADINGS = {"done": "Marked done", "snoozed": "Snoozed", "dropped": "Dropped",
                 "unsubscribed": "Unsubscribed"}


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["text/html", "application/json", "application/problem+json"])
    return best in ("application/json", "application/problem+json")


def _page(status: int, **context: Any) -> Response:
    context.setdefault("action", None)
    context.setdefault("button", None)
    context.setdefault("form_fields", [])
    context.setdefault("person", None)
    context.setdefault("error", False)
    body = _pages.get_template("link.html.j2").render(**context)
    return Response(body, status=status, mimetype="text/html", headers=PAGE_HEADERS)


def _problem_page(problem: Problem) -> Response:
    headings = {400: "This link does not work", 403: "This link is not yours to use", 404: "Nothing to do here",
                410: "This link no longer works"}
    return _page(problem.status, heading=headings.get(problem.status, "This link does not work"),
                 message=problem.detail, error=True)


def _message(result: link_operations.LinkOutcome) -> str:
    action = result.action
    if result.outcome == link_operations.READY:
        if result.op == links.SNOOZE:
            return f"No reminders about it before {result.snoozed_until.isoformat()}. Nothing changes until you confirm."
        if result.op == links.UNSUBSCRIBE:
            return "You will get no more reminder mail from ptghub. Nothing changes until you confirm."
        return "Nothing changes until you confirm."
    if result.outcome == link_operations.ALREADY:
        if result.op == links.UNSUBSCRIBE:
            return "Your reminders are off already."
        return f"This item is {action.status} already: nothing was changed."
    if result.outcome == link_operations.SNOOZED:
        return f"No reminders about it before {result.snoozed_until.isoformat()}."
    if result.outcome == link_operations.UNSUBSCRIBED:
        return "You will get no more reminder mail from ptghub."
    return f"The item is {action.status} now. Thank you."


def _json(result: link_operations.LinkOutcome, status: int = 200) -> Response:
    body = result_output.dump({
        "op": result.op, "outcome": result.outcome, "changed": result.changed, "message": _message(result),
        "person": result.person.nick, "action": result.action, "expires_at": result.claims.expires_at})
    return json_response(body, status, headers={"Cache-Control": "no-store"})


def _answer(result: link_operations.LinkOutcome) -> Response:
    if _wants_json():
        return _json(result)
    if result.outcome == link_operations.READY:
        heading, button = CONFIRM[result.op]
        fields = [("List-Unsubscribe", "One-Click")] if result.op == links.UNSUBSCRIBE else [("confirm", result.op)]
    elif result.outcome == link_operations.ALREADY:
        heading, button, fields = "Nothing to do", None, []
    else:
        heading, button, fields = DONE_HEADINGS[result.outcome], None, []
    return _page(200, heading=heading, message=_message(result), action=result.action, button=button,
                 form_fields=fields, person=result.person.nick)


def _run(operation, token: str, ops: tuple[str, ...], write: bool) -> Response:
    try:
        with unit_of_work() as uow:
            result = operation(uow, token, ops=ops)
            if write:
                uow.commit()
            return _answer(result)
    except Problem as problem:
        if _wants_json():
            raise
        return _problem_page(problem)


@blueprint.get("/a/<token>")
def show_link(token: str):
    """What a reminder's one-click link would do (done, snooze 7 days, drop): a confirmation page; changes nothing.
    ---
    get:
      parameters:
      - {in: path, name: token, required: true, schema: {type: string}}
      responses:
        200: {description: 'the confirmation page (a form POSTing to this URL), or what the link would do, as JSON when asked for', content: {text/html: {schema: {type: string}}, application/json: {schema: LinkResult}}}
        400: {description: 'a forged or altered link, or an unsubscribe link', content: {text/html: {schema: {type: string}}, application/problem+json: {schema: Problem}}}
        403: {description: the item was given to someone else, content: {text/html: {schema: {type: string}}, application/problem+json: {schema: Problem}}}
        404: {description: the item or the person is gone, content: {text/html: {schema: {type: string}}, application/problem+json: {schema: Problem}}}
        410: {description: the link has expired or was used already, content: {text/html: {schema: {type: string}}, application/problem+json: {schema: Problem}}}
    """
    return _run(link_operations.show, token, links.ITEM_OPS, write=False)


@blueprint.post("/a/<token>")
def use_link(token: str):
    """Do what a reminder's one-click link says, on its one item, once (the item done, snoozed for 7 days, or dropped).
    ---
    post:
      parameters:
      - {in: path, name: token, required: true, schema: {type: string}}
      requestBody:
        required: false
        content: {application/x-www-form-urlencoded: {schema: {type: object}}}
      responses:
        200: {description: 'done (or nothing to do: the item is settled already), as a page or JSON', content: {text/html: {schema: {type: string}}, application/json: {schema: LinkResult}}}
        400: {description: 'a forged or altered link, or an unsubscribe link', content: {text/html: {schema: {type: string}}, application/problem+json: {schema: Problem}}}
        403: {description: the item was given to someone else, content: {text/html: {schema: {type: string}}, application/problem+json: {schema: Problem}}}
        404: {description: the item or the person is gone, content: {text/html: {schema: {type: string}}, application/problem+json: {schema: Problem}}}
        410: {description: the link has expired or was used already, content: {text/html: {schema: {type: string}}, application/problem+json: {schema: Problem}}}
    """
    return _run(link_operations.use, token, links.ITEM_OPS, write=True)


@blueprint.get("/unsubscribe/<token>")
def show_unsubscribe(token: str):
    """The unsubscribe page of a reminder mail: confirms, changes nothing.
    ---
    get:
      parameters:
      - {in: path, name: token, required: true, schema: {type: string}}
      responses:
        200: {description: the confirmation page (or JSON when asked for), content: {text/html: {schema: {type: string}}, application/json: {schema: LinkResult}}}
        400: {description: a forged or altered link, or an item link, content: {text/html: {schema: {type: string}}, application/problem+json: {schema: Problem}}}
        404: {description: the person is gone, content: {text/html: {schema: {type: string}}, application/problem+json: {schema: Problem}}}
        410: {description: the link has expired or was used already, content: {text/html: {schema: {type: string}}, application/problem+json: {schema: Problem}}}
    """
    return _run(link_operations.show, token, (links.UNSUBSCRIBE,), write=False)


@blueprint.post("/unsubscribe/<token>")
def unsubscribe(token: str):
    """RFC 8058 one-click unsubscribe (body ``List-Unsubscribe=One-Click``): the person's reminders stop.
    ---
    post:
      parameters:
      - {in: path, name: token, required: true, schema: {type: string}}
      requestBody:
        required: false
        content: {application/x-www-form-urlencoded: {schema: {type: object, properties: {List-Unsubscribe: {type: string, enum: [One-Click]}}}}}
      responses:
        200: {description: 'unsubscribed (or off already), as a page or JSON', content: {text/html: {schema: {type: string}}, application/json: {schema: LinkResult}}}
        400: {description: a forged or altered link, or an item link, content: {text/html: {schema: {type: string}}, application/problem+json: {schema: Problem}}}
        404: {description: the person is gone, content: {text/html: {schema: {type: string}}, application/problem+json: {schema: Problem}}}
        410: {description: the link has expired or was used already, content: {text/html: {schema: {type: string}}, application/problem+json: {schema: Problem}}}
    """
    return _run(link_operations.use, token, (links.UNSUBSCRIBE,), write=True)
