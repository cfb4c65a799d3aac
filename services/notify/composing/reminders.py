"""A person's reminder digest (``reminder_digest`` templates): every item with its one-click links
(done, snooze 7 days, drop), RFC 8058 one-click unsubscribe headers."""
from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from typing import Any

from .headers import build_message, header_text, personal
from .templates import current

REMINDER_DIGEST = "reminder_digest"


def reminder_subject(items: list[dict[str, Any]]) -> str:
    """``[ptghub] 3 action items need you``; one item: ``[ptghub] Action item needs you: <title>``."""
    if len(items) == 1:
        return header_text(f"[ptghub] Action item needs you: {items[0]['title']}")
    return f"[ptghub] {len(items)} action items need you"


def item_when(item: dict[str, Any]) -> str:
    """Why the item is in the mail, in words: due in 3 days, overdue by 2 days, assigned ..."""
    reason, days, due = item.get("reason"), item.get("days"), item.get("due_date")
    plural = lambda n: f"{n} day" + ("" if n == 1 else "s")  # noqa: E731
    if reason == "before_due" and days is not None:
        return f"due in {plural(abs(days))} ({due})"
    if reason == "on_due":
        return f"due today ({due})" if due else "due today"
    if reason == "overdue":
        return f"overdue by {plural(abs(days))} (was due {due})" if days is not None else f"overdue (was due {due})"
    if reason == "assigned":
        return f"assigned to you, due {due}" if due else "assigned to you"
    return f"due {due}" if due else "no due date, still open"


def reminder_digest_mail(digest: dict[str, Any], items: list[dict[str, Any]], *, sender: str, recipient: str,
                         message_id: str, date: datetime) -> EmailMessage:
    """One person's reminder digest, text and HTML, with the one-click unsubscribe headers."""
    person = digest["person"]
    context = {
        "name": header_text(person.get("name") or person.get("nick") or "", 200),
        "count": len(items),
        "items": [{**item, "title": header_text(item["title"], 300), "when": item_when(item),
                   "where": "/".join(part for part in (item.get("event"), item.get("track")) if part)}
                  for item in items],
        "unsubscribe_url": digest["unsubscribe_url"],
    }
    text, html = current().parts(REMINDER_DIGEST, context)
    message = build_message(sender=sender, recipient=recipient, subject_line=reminder_subject(items),
                            message_id=message_id, date=date, text=text, html=html)
    return personal(message, digest["unsubscribe_url"])
