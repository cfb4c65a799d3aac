"""The mail templates: Jinja2 files, a text and an HTML part per kind of mail, looked up first in
``PTGHUB_TEMPLATE_DIR`` (a site's overrides, no code changes) and then among the packaged ones
(``services/notify/templates``). HTML parts are autoescaped; every name a template uses must be
given (``StrictUndefined``).

:func:`install` runs when a process starts (api and worker): every template is compiled and
rendered once with a sample of what it is given, so a broken override (a syntax error, a name that
does not exist) stops the start with the template's name and line (:class:`TemplatesRefused`),
not the first mail days later. Should an override still fail on a real mail (a branch the sample
did not take), that mail is rendered from the packaged template and the failure logged.
"""
from __future__ import annotations

import logging
import traceback
from pathlib import Path
from typing import Any, Mapping

from jinja2 import (ChoiceLoader, Environment, FileSystemLoader, PackageLoader, StrictUndefined, TemplateError,
                    TemplateSyntaxError)

from services.kit.logs import log

logger = logging.getLogger(__name__)

PARTS = ("txt", "html")

_ITEM = {"action_id": "a-1", "title": "Write the spec", "when": "due in 3 days (2026-12-04)", "where": "denver/nova",
         "due_date": "2026-12-04", "status": "open", "event": "denver", "track": "nova", "reason": "before_due",
         "days": 3, "links": {"done": "https://ptg.example/d", "snooze": "https://ptg.example/s",
                              "drop": "https://ptg.example/x"}}
_SESSION = {"id": "s-1", "title": "Python 3 images", "room": "aspen",
            "when": "Thu 2 May 2019, 09:00–10:45 America/Denver", "timezone": "America/Denver"}
_TRACK_SUMMARY = {"title": "Train PTG summary", "text": "Kolla\n=====\n\nWe agreed.\n", "html": None,
                  "paragraphs": ["Kolla", "We agreed."], "track": "kolla", "track_name": "Kolla",
                  "event": "denver", "event_name": "denver"}
_EVENT_SUMMARY = {**_TRACK_SUMMARY, "title": "Denver PTG summary", "track": "", "track_name": "",
                  "event_name": "Denver PTG", "tracks": ["kolla", "nova"]}
_DIGEST = {"name": "Michael Goddard", "count": 1, "items": [_ITEM], "unsubscribe_url": "https://ptg.example/u"}
_NOTICE = {"change": "moved", "session": _SESSION, "before": _SESSION, "track": "kolla", "track_name": "Kolla",
           "event": "denver"}
# Each kind of mail, with samples of what its templates are given (each rendered at start, so both
# sides of the packaged templates' branches are taken).
SAMPLES: dict[str, list[dict[str, Any]]] = {
    "track_summary": [_TRACK_SUMMARY, {**_TRACK_SUMMARY, "html": "<p>We agreed.</p>"}],
    "event_summary": [_EVENT_SUMMARY, {**_EVENT_SUMMARY, "html": "<p>All tracks.</p>"}],
    "reminder_digest": [_DIGEST, {**_DIGEST, "name": "", "count": 2, "items": [_ITEM, _ITEM]}],
    "webhook_disabled": [{"url": "https://hooks.example/ptghub", "description": "our bot", "reason": "410 Gone",
                          "webhook_id": "w-1", "disabled_at": "2026-12-02 06:00 UTC", "owner": "bot",
                          "event_types": ["ptghub.schedule.#"], "reenable": "PATCH /api/v1/webhooks/w-1"}],
    "session_notice": [_NOTICE, {**_NOTICE, "change": "cancelled"}, {**_NOTICE, "before": None}],
}
KINDS = tuple(SAMPLES)


def template_name(kind: str, part: str) -> str:
    return f"{kind}.{part}.j2"


NAMES = frozenset(template_name(kind, part) for kind in KINDS for part in PARTS)


class TemplatesRefused(ValueError):
    """Overrides that cannot be used, each named with its line: the process must not start."""

    def __init__(self, problems: list[str]):
        super().__init__("mail templates refused:\n  " + "\n  ".join(problems))
        self.problems = problems


def _environment(loader) -> Environment:
    return Environment(loader=loader, autoescape=lambda name: bool(name) and name.endswith(".html.j2"),
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def _packaged_loader() -> PackageLoader:
    return PackageLoader("services.notify", "templates")


class Templates:
    """The templates of one process: the overrides of ``directory`` (if any) before the packaged ones."""

    def __init__(self, directory: str | Path | None = None):
        self.directory = Path(directory) if directory else None
        self.packaged = _environment(_packaged_loader())
        self.environment = (_environment(ChoiceLoader([FileSystemLoader(str(self.directory)), _packaged_loader()]))
                            if self.directory else self.packaged)

    def problems(self) -> list[str]:
        """What is wrong with the overrides: unknown files, templates that do not compile or render."""
        found: list[str] = []
        if self.directory is not None:
            if not self.directory.is_dir():
                return [f"PTGHUB_TEMPLATE_DIR {self.directory}: not a directory"]
            for path in sorted(self.directory.rglob("*.j2")):
                name = path.relative_to(self.directory).as_posix()
                if name not in NAMES and not path.name.startswith("_"):
                    found.append(f"{name} (in {self.directory}): not a template notify uses "
                                 f"(one of {', '.join(sorted(NAMES))}; partials start with _)")
        for kind, samples in SAMPLES.items():
            for part in PARTS:
                name = template_name(kind, part)
                try:
                    for sample in samples:
                        self.environment.get_template(name).render(**sample)
                except TemplateError as exc:
                    found.append(self._describe(name, exc))
        return found

    def _describe(self, name: str, exc: TemplateError) -> str:
        where, line = name, None
        if isinstance(exc, TemplateSyntaxError):
            where, line = exc.name or name, exc.lineno
        else:  # a name that is not given: the line is the template's frame in the traceback
            try:
                filename = self.environment.get_template(name).filename
            except TemplateError:
                filename = None
            for frame in traceback.extract_tb(exc.__traceback__):
                if filename and frame.filename == filename:
                    line = frame.lineno
        source = self._source(where)
        return f"{where}{source}, line {line if line is not None else '?'}: {exc.message or exc}"

    def _source(self, name: str) -> str:
        if self.directory is not None and (self.directory / name).is_file():
            return f" (override in {self.directory})"
        return " (packaged)"

    def render(self, kind: str, part: str, context: Mapping[str, Any]) -> str:
        name = template_name(kind, part)
        try:
            return self.environment.get_template(name).render(**context)
        except TemplateError as exc:
            if self.environment is self.packaged:
                raise
            log(logger, logging.ERROR, "mail template override failed; the packaged one is used",
                template=name, error=self._describe(name, exc))
            return self.packaged.get_template(name).render(**context)

    def parts(self, kind: str, context: Mapping[str, Any]) -> tuple[str, str]:
        """The text and the HTML part of a mail of ``kind``."""
        return self.render(kind, "txt", context), self.render(kind, "html", context)


_current: Templates | None = None


def install(directory: str | Path | None) -> Templates:
    """Check the templates of ``directory`` (``PTGHUB_TEMPLATE_DIR``) and make them this process's;
    :class:`TemplatesRefused` (nothing installed) when any is broken. Called when api and worker start."""
    global _current
    templates = Templates(directory)
    problems = templates.problems()
    if problems:
        raise TemplatesRefused(problems)
    _current = templates
    return templates


def current() -> Templates:
    """The installed templates (the packaged ones until :func:`install` ran)."""
    global _current
    if _current is None:
        _current = Templates(None)
    return _current
