"""Notify's reminder digest rules (pure): which items still go, the subject, headers, both parts."""
from __future__ import annotations

from datetime import date, datetime, timezone
from types import SimpleNamespace

from services.notify import domain
from services.notify.composing import headers, reminders

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc)


def item(action_id: str, title: str, **extra) -> dict:
    return {"action_id": action_id, "title": title, "due_date": "2026-12-04", "status": "open", "event": "denver",
            "track": "nova", "reason": "before_due", "days": 3,
            "links": {op: f"https://ptg.example/api/v1/a/{op}-{action_id}" for op in ("done", "snooze", "drop")},
            **extra}


def digest(*items: dict) -> dict:
    return {"digest_id": "d-1", "at": NOW.isoformat(), "items": list(items),
            "person": {"id": "p-1", "nick": "mgoddard", "name": "Michael Goddard", "email": "mgoddard@example.org",
                       "timezone": "Europe/London"},
            "unsubscribe_url": "https://ptg.example/api/v1/unsubscribe/u-1"}


def state(status: str, snoozed_until: date | None = None):
    return SimpleNamespace(status=status, snoozed_until=snoozed_until)


def test_an_item_goes_while_notify_has_not_seen_it_settled_or_snoozed():
    today = date(2026, 12, 1)
    assert domain.still_due(item("a", "x"), None, today)
    assert not domain.still_due(item("a", "x", status="done"), None, today)
    assert domain.still_due(item("a", "x"), state("in_progress"), today)
    for settled in ("done", "dropped", "withdrawn"):
        assert not domain.still_due(item("a", "x"), state(settled), today)
    assert not domain.still_due(item("a", "x"), state("open", date(2026, 12, 8)), today)
    assert domain.still_due(item("a", "x"), state("open", date(2026, 12, 1)), today), "a snooze ending today is over"


def test_the_subject_counts_the_items_and_never_carries_a_line_break():
    assert reminders.reminder_subject([item("a", "x"), item("b", "y"), item("c", "z")]) == "[ptghub] 3 action items need you"
    single = reminders.reminder_subject([item("a", "Fix it\r\nBcc: victim@example.org")])
    assert single == "[ptghub] Action item needs you: Fix it Bcc: victim@example.org"
    assert "\r" not in single and "\n" not in single


def test_only_a_plain_address_is_mailed():
    assert domain.mail_address("mgoddard@example.org") == "mgoddard@example.org"
    for bad in (None, "", "mgoddard", "a@example.org\r\nBcc: b@example.org", "a@example.org, b@example.org",
                "Mike <a@example.org>"):
        assert domain.mail_address(bad) is None, bad


def test_the_message_id_is_stable():
    first = headers.reminder_message_id("d-1", "MGoddard@example.org", "ptg.example")
    assert first == headers.reminder_message_id("d-1", "mgoddard@example.org", "ptg.example")
    assert first != headers.reminder_message_id("d-2", "mgoddard@example.org", "ptg.example")
    assert first.startswith("<reminder.") and first.endswith("@ptg.example>")


def test_the_digest_mail_has_both_parts_the_links_and_the_one_click_headers():
    items = [item("a1", "Write the <b>spec</b>"), item("a2", "Review", reason="overdue", days=-2)]
    message = reminders.reminder_digest_mail(digest(*items), items, sender="ptghub <ptghub@ptg.example>",
                                          recipient="mgoddard@example.org", message_id="<m@ptg.example>", date=NOW)
    assert message["Subject"] == "[ptghub] 2 action items need you"
    assert message["List-Unsubscribe"] == "<https://ptg.example/api/v1/unsubscribe/u-1>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Message-ID"] == "<m@ptg.example>"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Hello Michael Goddard" in text and "2 action items need you" in text
    assert "Write the <b>spec</b>" in text and "due in 3 days (2026-12-04)" in text
    assert "overdue by 2 days (was due 2026-12-04)" in text
    for op in ("done", "snooze", "drop"):
        assert f"https://ptg.example/api/v1/a/{op}-a1" in text and f'href="https://ptg.example/api/v1/a/{op}-a2"' in html
    assert "Write the &lt;b&gt;spec&lt;/b&gt;" in html and "<b>spec</b>" not in html
    assert "https://ptg.example/api/v1/unsubscribe/u-1" in text and "denver/nova" in text


def test_an_unsubscribe_url_unfit_for_a_header_is_left_out():
    bad = {**digest(item("a", "x")), "unsubscribe_url": "https://x.example/u>\r\nBcc: v@example.org"}
    message = reminders.reminder_digest_mail(bad, bad["items"], sender="ptghub@ptg.example", recipient="a@example.org",
                                          message_id="<m@ptg.example>", date=NOW)
    assert message["List-Unsubscribe"] is None and message["Bcc"] is None
