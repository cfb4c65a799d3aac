"""Where each kind of note lives: one set of note routes, registered for the three path shapes
(``/sessions/<session_id>/note``, ``/events/<event>/tracks/<track>/note``, ``/events/<event>/notes/<slug>``).

A view takes the note's :class:`~services.notes.domain.NoteKey`; :func:`register` adds it once per shape,
as endpoint ``<shape>_<view>``, its docstring's ``%(...)s`` filled with the shape's path parameters and
errors.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from flask import Blueprint

from ..domain import NoteKey


@dataclass(frozen=True)
class Shape:
    """Where a kind of note lives: its path prefix, the path's parameters (apispec YAML), its 404, who
    is refused a write (403) and why a note is read only (409)."""

    name: str
    prefix: str
    parameters: str
    unknown: str
    key: Callable[..., NoteKey]
    forbidden: str = "not your track"
    gone: str = "the schedule deleted the track"


EVENT_PARAMETER = "- {in: path, name: event, required: true, schema: {type: string}}"
SHAPES = (
    Shape("session", "/sessions/<session_id>/note",
          "- {in: path, name: session_id, required: true, schema: {type: string}}",
          "no note for that session (notes has no copy of it)", lambda session_id: NoteKey.of_session(session_id)),
    Shape("track", "/events/<event>/tracks/<track>/note",
          EVENT_PARAMETER + "\n      - {in: path, name: track, required: true, schema: {type: string}}",
          "a track the schedule never announced", lambda event, track: NoteKey.of_track(event, track)),
    Shape("event", "/events/<event>/notes/<slug>",
          EVENT_PARAMETER + "\n      - {in: path, name: slug, required: true, schema: {type: string}}",
          "an event notes does not know (`errors.event`), or no free note of that slug (`errors.slug`)",
          lambda event, slug: NoteKey.of_event(event, slug),
          forbidden="neither an organiser nor a chair of a track of the event",
          gone="the free note was deleted (`errors.slug`) or the schedule deleted the event (`errors.event`)"),
)
WRITE_ERRORS = """403: {description: '%(forbidden)s', content: {application/problem+json: {schema: Problem}}}
        404: {description: '%(unknown)s', content: {application/problem+json: {schema: Problem}}}
        409: {description: '%(gone)s (its notes are read only)', content: {application/problem+json: {schema: Problem}}}
        413: {description: 'the body would be over 1 MiB (1048576 bytes of UTF-8); the problem gives `limit`', content: {application/problem+json: {schema: Problem}}}
        422: {description: 'a marker with no text (`#action` alone); `errors.body` and `lines` name the lines', content: {application/problem+json: {schema: Problem}}}"""
KEY_PARAMETERS = {"session": ("session_id",), "track": ("event", "track"), "event": ("event", "slug")}


# (view, the path after the shape's prefix, method)
Route = tuple[Callable, str, str]


def bind(view, shape: Shape):
    """``view`` for notes of ``shape``: the path's note parameters become the view's ``NoteKey``."""
    names = KEY_PARAMETERS[shape.name]

    def bound(**path):
        return view(shape.key(*(path.pop(name) for name in names)), **path)

    bound.__name__ = f"{shape.name}_{view.__name__}"
    texts = {"unknown": shape.unknown, "forbidden": shape.forbidden, "gone": shape.gone}
    bound.__doc__ = view.__doc__ % {"parameters": shape.parameters, **texts, "write_errors": WRITE_ERRORS % texts}
    return bound


def register(blueprint: Blueprint, routes: tuple[Route, ...]) -> None:
    """Add each of ``routes`` to ``blueprint`` for every shape, shape by shape."""
    for shape in SHAPES:
        for view, suffix, method in routes:
            bound = bind(view, shape)
            blueprint.add_url_rule(shape.prefix + suffix, bound.__name__, bound, methods=[method])
