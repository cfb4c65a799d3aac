"""CloudEvents 1.0 in structured JSON mode: the envelope every ptghub event travels in."""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

CONTENT_TYPE = "application/cloudevents+json"
REQUIRED = ("specversion", "id", "source", "type")


class InvalidEvent(ValueError):
    pass


@dataclass(frozen=True)
class CloudEvent:
    type: str
    source: str
    data: Any
    subject: str | None = None
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    time: str = field(default_factory=lambda: datetime.now(timezone.utc).isoformat().replace("+00:00", "Z"))
    specversion: str = "1.0"
    datacontenttype: str = "application/json"

    def to_dict(self) -> dict[str, Any]:
        envelope = {
            "specversion": self.specversion,
            "id": self.id,
            "source": self.source,
            "type": self.type,
            "time": self.time,
            "datacontenttype": self.datacontenttype,
            "data": self.data,
        }
        if self.subject is not None:
            envelope["subject"] = self.subject
        return envelope

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), separators=(",", ":"), default=str)

    @classmethod
    def from_json(cls, body: bytes | str) -> "CloudEvent":
        try:
            envelope = json.loads(body)
        except ValueError as exc:
            raise InvalidEvent(f"not JSON: {exc}") from exc
        if not isinstance(envelope, dict):
            raise InvalidEvent("envelope is not a JSON object")
        missing = [name for name in REQUIRED if not envelope.get(name)]
        if missing:
            raise InvalidEvent(f"missing attributes: {', '.join(missing)}")
        if envelope["specversion"] != "1.0":
            raise InvalidEvent(f"unsupported specversion {envelope['specversion']!r}")
        return cls(
            type=envelope["type"],
            source=envelope["source"],
            data=envelope.get("data"),
            subject=envelope.get("subject"),
            id=envelope["id"],
            time=envelope.get("time") or "",
            datacontenttype=envelope.get("datacontenttype", "application/json"),
        )


def event_type(service: str, entity: str, verb: str) -> str:
    return f"ptghub.{service}.{entity}.{verb}"


def matches(pattern: str, routing_key: str) -> bool:
    """AMQP topic matching: ``*`` is one word, ``#`` is zero or more words."""
    return _match(pattern.split("."), routing_key.split("."))


def _match(pattern: list[str], words: list[str]) -> bool:
    if not pattern:
        return not words
    head, rest = pattern[0], pattern[1:]
    if head == "#":
        return any(_match(rest, words[i:]) for i in range(len(words) + 1))
    if not words:
        return False
    return (head == "*" or head == words[0]) and _match(rest, words[1:])
