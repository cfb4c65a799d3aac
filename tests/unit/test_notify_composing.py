"""What notify's mail says: the templates (packaged, overridden, refused at start with name and
line), the headers every mail carries, and the rules of session notices and webhook notices."""
from __future__ import annotations

import email
from datetime import datetime, timezone
from email import policy

import pytest

from services.notify import domain
from services.notify.composing import headers, sessions, summaries, templates, webhooks
from services.notify.composing.templates import Templates, TemplatesRefused

NOW = datetime(2026, 12, 2, 7, 0, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def packaged_templates():
    """Each test starts and ends with the packaged templates installed."""
    templates.install(None)
    yield
    templates.install(None)


def parsed(message) -> email.message.EmailMessage:
    """The mail as a reader gets it (SMTP's CRLF line ends read as newlines)."""
    return email.message_from_bytes(message.as_bytes().replace(b"\r\n", b"\n"), policy=policy.default)


# -- templates ---------------------------------------------------------------------------------

def test_every_packaged_template_compiles_and_renders_its_sample():
    assert Templates(None).problems() == []
    assert set(templates.NAMES) == {f"{kind}.{part}.j2" for kind in
                                    ("track_summary", "event_summary", "reminder_digest", "webhook_disabled",
                                     "session_notice") for part in ("txt", "html")}


def test_an_override_replaces_the_packaged_template_and_the_others_stay(tmp_path):
    (tmp_path / "track_summary.txt.j2").write_text("Our summary of {{ track_name }}:\n{{ text }}")
    templates.install(tmp_path)
    message = parsed(summaries.summary_mail({"id": "s", "event": "denver", "track": "kolla", "track_name": "Kolla",
                                             "title": "T", "text": "We agreed."}, tag="kolla",
                                            sender="ptghub@ptg.example", recipient="l@lists.example",
                                            message_id="<m@ptg.example>", date=NOW))
    assert message.get_body(("plain",)).get_content().startswith("Our summary of Kolla:\nWe agreed.")
    assert "Sent by ptghub for the Kolla track" in message.get_body(("html",)).get_content()  # packaged HTML


def test_a_syntax_error_in_an_override_is_refused_with_its_name_and_line(tmp_path):
    (tmp_path / "session_notice.html.j2").write_text("<p>{{ session.title }}</p>\n<p>\n{% if change %}\n<p>oops\n")
    with pytest.raises(TemplatesRefused) as refused:
        templates.install(tmp_path)
    (problem,) = refused.value.problems
    assert problem.startswith("session_notice.html.j2 (override in ") and ", line 4:" in problem
    assert "endif" in problem or "end of template" in problem
    assert templates.current().directory is None  # nothing installed


def test_an_undefined_name_in_an_override_is_refused_with_its_line(tmp_path):
    (tmp_path / "webhook_disabled.txt.j2").write_text("Hello,\n\n{{ url }} is off.\n{{ contact_name }}\n")
    with pytest.raises(TemplatesRefused) as refused:
        templates.install(tmp_path)
    (problem,) = refused.value.problems
    assert problem.startswith("webhook_disabled.txt.j2 (override in ")
    assert ", line 4:" in problem and "contact_name" in problem


def test_a_file_notify_does_not_use_is_refused_but_partials_are_allowed(tmp_path):
    (tmp_path / "track_sumary.txt.j2").write_text("typo")
    (tmp_path / "_footer.txt.j2").write_text("-- \nus")
    (tmp_path / "event_summary.txt.j2").write_text("{{ text }}\n{% include '_footer.txt.j2' %}\n")
    with pytest.raises(TemplatesRefused) as refused:
        templates.install(tmp_path)
    assert [p.split(" ")[0] for p in refused.value.problems] == ["track_sumary.txt.j2"]
    (tmp_path / "track_sumary.txt.j2").unlink()
    assert templates.install(tmp_path).directory == tmp_path


def test_a_missing_directory_is_refused(tmp_path):
    with pytest.raises(TemplatesRefused, match="not a directory"):
        templates.install(tmp_path / "nowhere")


def test_html_parts_are_autoescaped_and_text_parts_are_not(tmp_path):
    notice = sessions.session_notice_mail(
        sessions.CANCELLED, {"id": "s-1", "title": "<script>x</script> & more", "timezone": "UTC"}, None,
        sessions.SessionPlace(NOW, NOW, "aspen", "cancelled"), track_name="Kolla & <b>co</b>", tag="kolla",
        event="denver", sender="ptghub@ptg.example", recipient="l@lists.example", message_id="<n@ptg.example>",
        date=NOW)
    message = parsed(notice)
    html, text = message.get_body(("html",)).get_content(), message.get_body(("plain",)).get_content()
    assert "&lt;script&gt;x&lt;/script&gt; &amp; more" in html and "<script>" not in html
    assert "Kolla &amp; &lt;b&gt;co&lt;/b&gt;" in html
    assert '"<script>x</script> & more"' in text


def test_a_name_missing_from_one_branch_only_is_refused_too(tmp_path):
    (tmp_path / "session_notice.txt.j2").write_text(
        "{% if change == 'moved' %}moved {{ session.title }}\n{% else %}\n{{ nothing_here }}{% endif %}\n")
    with pytest.raises(TemplatesRefused, match=r"session_notice.txt.j2 \(override in .*\), line 3: .*nothing_here"):
        templates.install(tmp_path)


def test_an_override_failing_on_a_real_mail_falls_back_to_the_packaged_template(tmp_path):
    # the samples never have a session titled "Images": the override's branch for it is not checked
    (tmp_path / "session_notice.txt.j2").write_text(
        "{% if session.title != 'Images' %}{{ session.title }}{% else %}{{ nothing_here }}{% endif %}\n")
    templates.install(tmp_path)
    message = parsed(sessions.session_notice_mail(
        sessions.CANCELLED, {"id": "s-1", "title": "Images", "timezone": "UTC"}, None,
        sessions.SessionPlace(NOW, NOW, "aspen", "cancelled"), track_name="Kolla", tag="kolla", event="denver",
        sender="ptghub@ptg.example", recipient="l@lists.example", message_id="<n@ptg.example>", date=NOW))
    assert 'The session "Images" of the Kolla track is cancelled.' in message.get_body(("plain",)).get_content()


def test_a_summary_with_the_publishers_renderings_is_passed_through_as_is():
    summary = {"id": "s", "event": "denver", "track": "kolla", "title": "T", "subject": "[kolla] Denver summary",
               "text": "Kolla\n=====\n\nWe agreed.\n\n-- \nDenver PTG\n", "html": "<p>We <b>agreed</b>.</p>"}
    message = parsed(summaries.summary_mail(summary, tag="kolla", sender="ptghub@ptg.example",
                                            recipient="l@lists.example", message_id="<m@ptg.example>", date=NOW))
    assert message.get_body(("plain",)).get_content() == summary["text"]
    assert message.get_body(("html",)).get_content().strip() == summary["html"]
    assert message["Subject"] == "[kolla] Denver summary"


# -- headers -----------------------------------------------------------------------------------

def test_every_header_value_stays_on_one_line():
    message = headers.build_message(
        sender="ptghub\r\nBcc: a@evil.example <ptghub@ptg.example>", recipient="l@lists.example\nCc: b@evil.example",
        subject_line="[kolla\r\nBcc: c@evil.example] Title\r\n\r\nbody", message_id="<m@ptg.example>\r\nX-A: 1",
        date=NOW, text="t", html="<p>h</p>", thread=headers.Thread(root="<r@ptg.example>\nX-B: 2"))
    raw = message.as_bytes().decode()
    head = raw.split("\r\n\r\n", 1)[0]
    names = [line.split(":", 1)[0] for line in head.split("\r\n") if line and not line[0].isspace()]
    assert sorted(names) == sorted(["From", "To", "Subject", "Date", "Message-ID", "In-Reply-To", "References",
                                    "Auto-Submitted", "Content-Type", "MIME-Version"])
    assert "Bcc" not in names and "Cc" not in names and "X-A" not in names
    assert parsed(message)["Subject"] == "[kolla Bcc: c@evil.example] Title body"


def test_a_tag_with_a_newline_is_one_line_and_a_tagged_title_keeps_its_one_tag():
    assert headers.subject("kolla", "Train PTG summary") == "[kolla] Train PTG summary"
    assert headers.subject("kolla", "[kolla] Train PTG summary") == "[kolla] Train PTG summary"
    assert headers.subject("ko\r\nlla", "two\nlines") == "[ko lla] two lines"
    assert headers.subject(None, "untagged") == "untagged"


def test_an_event_summary_is_tagged_with_the_events_tag_only_when_it_has_one():
    summary = {"scope": "event", "subject": "Denver III PTG summary", "title": "Denver"}
    assert summaries.summary_subject(summary, None) == "Denver III PTG summary"
    assert summaries.summary_subject(summary, "ptg") == "[ptg] Denver III PTG summary"
    assert summaries.summary_subject({"scope": "event", "title": "Denver"}, None, "denver") == "[denver] Denver"


def test_message_ids_are_stable_and_differ_per_event_and_recipient():
    first = headers.notice_message_id("session", "ev-1", "L@lists.example", "ptg.example")
    assert first == headers.notice_message_id("session", "ev-1", "l@lists.example", "ptg.example")
    assert first != headers.notice_message_id("session", "ev-2", "l@lists.example", "ptg.example")
    assert first.startswith("<session.") and first.endswith("@ptg.example>")


def test_personal_mail_gets_one_click_unsubscribe_only_with_a_header_safe_url():
    message = headers.personal(headers.build_message(sender="a@ptg.example", recipient="b@example.org",
                                                     subject_line="s", message_id="<m@x>", date=NOW, text="t",
                                                     html="h"), "https://ptg.example/u/1")
    assert message["List-Unsubscribe"] == "<https://ptg.example/u/1>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    bad = headers.personal(headers.build_message(sender="a@ptg.example", recipient="b@example.org",
                                                 subject_line="s", message_id="<m@x>", date=NOW, text="t", html="h"),
                           "https://ptg.example/u>\r\nBcc: x@evil.example")
    assert bad["List-Unsubscribe"] is None


def test_sender_addresses_are_one_address_on_one_line():
    assert domain.sender_address("Denver PTG <ptg@lists.example>") == "Denver PTG <ptg@lists.example>"
    assert domain.sender_address("ptg@lists.example") == "ptg@lists.example"
    for bad in ("ptg@lists.example, x@evil.example", "Denver\r\nBcc: x@evil.example <ptg@lists.example>",
                "not an address", "", None):
        assert domain.sender_address(bad) is None, bad


def test_an_events_own_list_takes_its_summaries_instead_of_the_tracks_lists():
    class Route:
        def __init__(self, address, retired_at=None):
            self.mailing_list, self.retired_at = address, retired_at

    routes = [Route("a@lists.example"), Route("A@lists.example"), Route(None), Route("b@lists.example", NOW)]
    assert domain.summary_lists(routes) == ["a@lists.example"]
    assert domain.summary_lists(routes, "ptg@lists.example") == ["ptg@lists.example"]


# -- session notices ---------------------------------------------------------------------------

def place(hour=9, room="aspen", status="scheduled"):
    return sessions.SessionPlace(datetime(2026, 12, 3, hour, tzinfo=timezone.utc),
                                 datetime(2026, 12, 3, hour + 1, tzinfo=timezone.utc), room, status)


def test_a_move_is_a_new_start_end_or_room_and_a_cancellation_comes_once():
    assert sessions.change_of(sessions.UPDATED_EVENT, place(), place(10)) == sessions.MOVED
    assert sessions.change_of(sessions.UPDATED_EVENT, place(), place(room="birch")) == sessions.MOVED
    assert sessions.change_of(sessions.UPDATED_EVENT, place(), place()) is None  # title, description, ...
    assert sessions.change_of(sessions.UPDATED_EVENT, None, place(10)) is None  # never seen scheduled
    assert sessions.change_of(sessions.SCHEDULED_EVENT, None, place()) is None
    assert sessions.change_of(sessions.CANCELLED_EVENT, place(), place(status="cancelled")) == sessions.CANCELLED
    assert sessions.change_of(sessions.DELETED_EVENT, place(), place()) == sessions.CANCELLED
    assert sessions.change_of(sessions.DELETED_EVENT, place(status="cancelled"), place(status="cancelled")) is None
    assert sessions.change_of(sessions.UPDATED_EVENT, place(status="cancelled"), place(10)) is None  # reinstated


def test_a_session_that_is_over_gets_no_notice():
    after = datetime(2026, 12, 3, 12, tzinfo=timezone.utc)
    assert sessions.change_of(sessions.DELETED_EVENT, place(), place(), now=after) is None
    assert sessions.change_of(sessions.UPDATED_EVENT, place(), place(10), now=after) is None
    assert sessions.change_of(sessions.UPDATED_EVENT, place(), place(14), now=after) == sessions.MOVED  # into the future
    assert sessions.change_of(sessions.DELETED_EVENT, place(), place(), now=NOW) == sessions.CANCELLED


def test_a_moved_notice_shows_where_and_when_in_the_events_timezone():
    message = parsed(sessions.session_notice_mail(
        sessions.MOVED, {"id": "s-1", "title": "Python 3 images", "timezone": "America/Denver"}, place(16),
        place(17, "birch"), track_name="Kolla", tag="kolla", event="denver", sender="ptghub@ptg.example",
        recipient="l@lists.example", message_id="<n@ptg.example>", date=NOW,
        thread=headers.Thread(root="<root@ptg.example>")))
    text = message.get_body(("plain",)).get_content()
    assert message["Subject"] == "[kolla] Moved: Python 3 images"
    assert "Now:   Thu 3 Dec 2026, 10:00–11:00 America/Denver, room birch" in text
    assert "Was:   Thu 3 Dec 2026, 09:00–10:00 America/Denver, room aspen" in text
    assert message["In-Reply-To"] == "<root@ptg.example>" and message["Auto-Submitted"] == "auto-generated"


# -- the webhook-disabled notice ----------------------------------------------------------------

def test_the_webhook_disabled_notice_says_which_why_and_how_to_turn_it_on_again():
    kwargs = dict(webhook_id="w-1", url="https://user:secret@hooks.example.org/in?token=abc", reason="410 Gone",
                  disabled_at=NOW, recipient="ops@bot.example", sender="ptghub <ptghub@ptg.example>",
                  description="our <bot>", event_types=["ptghub.schedule.#"])
    message = parsed(webhooks.webhook_disabled_mail(**kwargs))
    text, html = message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content()
    assert message["Subject"] == "[ptghub] Webhook disabled: https://hooks.example.org/in"
    assert "secret" not in message.as_string() and "token=abc" not in message.as_string()
    assert "410 Gone" in text and "2026-12-02 07:00 UTC" in text and 'PATCH /api/v1/webhooks/w-1' in text
    assert "our &lt;bot&gt;" in html
    assert message["Message-ID"] == parsed(webhooks.webhook_disabled_mail(**kwargs))["Message-ID"]
    later = parsed(webhooks.webhook_disabled_mail(**{**kwargs, "disabled_at": NOW.replace(hour=9)}))
    assert later["Message-ID"] != message["Message-ID"]
    assert message["List-Unsubscribe"] is None and message["X-Auto-Response-Suppress"] == "All"
