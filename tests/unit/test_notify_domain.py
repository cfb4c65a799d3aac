"""Notify's pure rules (signing, retry schedules, URL safety, topic matching, who receives what, mail
headers), and the URL check of webhook delivery that resolves the host with a timeout."""
import base64
import email
import socket
import time
from datetime import datetime, timedelta, timezone
from email import policy

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from services.kit.auth import INTEGRATION, ORGANISER
from services.notify import domain
from services.notify.transport import dns
from services.notify.composing import headers, summaries
from services.notify.schemas.webhooks import WebhookSchema

NOW = datetime(2019, 5, 2, 15, 0, tzinfo=timezone.utc)


# -- signing ----------------------------------------------------------------------------------

def test_signature_verifies_with_the_standard_webhooks_library():
    secret = domain.new_secret()
    body = '{"type":"ptghub.schedule.session.scheduled","data":{"title":"Python 3 \\u00e9"}}'
    timestamp = int(datetime.now(timezone.utc).timestamp())
    headers = domain.webhook_headers(secret, "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W", timestamp, body)
    assert Webhook(secret).verify(body, headers) == {"type": "ptghub.schedule.session.scheduled",
                                                     "data": {"title": "Python 3 é"}}
    assert headers["webhook-signature"] == Webhook(secret).sign(
        "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W", datetime.fromtimestamp(timestamp, timezone.utc), body)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body.replace("Python", "Perl"), headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(domain.new_secret()).verify(body, headers)


def test_signature_matches_the_specification_example():
    # The example of the Standard Webhooks specification (and of its reference libraries' tests).
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = '{"test": 2432232314}'
    assert domain.sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body) == \
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


@pytest.mark.parametrize("secret, ok", [
    ("whsec_" + base64.b64encode(b"x" * 24).decode(), True),
    ("whsec_" + base64.b64encode(b"x" * 64).decode(), True),
    ("whsec_" + base64.b64encode(b"x" * 23).decode(), False),
    ("whsec_" + base64.b64encode(b"x" * 65).decode(), False),
    (base64.b64encode(b"x" * 32).decode(), False),
    ("whsec_not base64!", False),
])
def test_secrets_are_whsec_and_24_to_64_bytes(secret, ok):
    errors = WebhookSchema().validate({"url": "https://example.com/hook", "event_types": ["#"], "secret": secret})
    assert ("secret" not in errors) == ok
    assert len(domain.secret_key(domain.new_secret())) == 32


# -- retries ----------------------------------------------------------------------------------

def test_webhook_retry_schedule_with_ten_percent_jitter():
    expected = [5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400]
    assert [domain.webhook_retry_delay(n, rand=lambda: 0.5).total_seconds() for n in range(1, 10)] == expected
    assert domain.webhook_retry_delay(1, rand=lambda: 0.0).total_seconds() == pytest.approx(4.5)
    assert domain.webhook_retry_delay(1, rand=lambda: 1.0).total_seconds() == pytest.approx(5.5)
    assert domain.webhook_retry_delay(10) is None
    assert domain.webhook_retry_delay(1, scale=0.01, rand=lambda: 0.5).total_seconds() == pytest.approx(0.05)
    delays = {domain.webhook_retry_delay(2).total_seconds() for _ in range(50)}
    assert all(270 <= d <= 330 for d in delays) and len(delays) > 1


def test_webhook_verdicts():
    assert domain.webhook_verdict(204, 1, NOW).status == domain.SUCCEEDED
    gone = domain.webhook_verdict(410, 1, NOW)
    assert gone.status == domain.FAILED and "410" in gone.disable
    retry = domain.webhook_verdict(500, 1, NOW, rand=lambda: 0.5)
    assert retry == domain.WebhookVerdict(domain.PENDING, NOW + timedelta(seconds=5))
    assert domain.webhook_verdict(None, 3, NOW, rand=lambda: 0.5).next_attempt_at == NOW + timedelta(minutes=30)
    assert domain.webhook_verdict(302, 1, NOW).status == domain.PENDING  # redirects are not followed
    assert domain.webhook_verdict(500, 10, NOW) == domain.WebhookVerdict(domain.FAILED, spent=True)
    assert not domain.webhook_verdict(410, 10, NOW).spent  # 410 ends it at once: that is not a spent schedule
    # 429 and 503 honour Retry-After; other codes do not.
    assert domain.webhook_verdict(429, 1, NOW, timedelta(seconds=120)).next_attempt_at == NOW + timedelta(seconds=120)
    assert domain.webhook_verdict(503, 2, NOW, timedelta(days=9)).next_attempt_at == NOW + timedelta(hours=24)
    assert domain.webhook_verdict(500, 1, NOW, timedelta(hours=3), rand=lambda: 0.5).next_attempt_at == \
        NOW + timedelta(seconds=5)
    assert domain.webhook_verdict(429, 10, NOW, timedelta(seconds=1)).status == domain.FAILED


def test_retry_after_header_forms():
    assert domain.parse_retry_after("120", NOW) == timedelta(seconds=120)
    assert domain.parse_retry_after("Thu, 02 May 2019 15:01:00 GMT", NOW) == timedelta(seconds=60)
    assert domain.parse_retry_after("Thu, 02 May 2019 14:00:00 GMT", NOW) == timedelta(0)
    assert domain.parse_retry_after("soon", NOW) is None
    assert domain.parse_retry_after(None, NOW) is None
    # a huge delay is capped before it becomes a timedelta (10**20 s would overflow one)
    assert domain.parse_retry_after("1" + "0" * 20, NOW) == domain.WEBHOOK_RETRY_AFTER_MAX


def test_only_2xx_delivers_and_a_redirect_is_a_recorded_failure():
    assert [domain.succeeded(code) for code in (None, 100, 199, 200, 204, 299, 300, 301, 404, 500)] == \
        [False, False, False, True, True, True, False, False, False, False]
    assert domain.http_failure(204, "No Content") is None
    assert domain.http_failure(500, "Internal Server Error") == "HTTP 500 Internal Server Error"
    moved = domain.http_failure(301, "Moved Permanently", "http://10.0.0.1/\r\nX-Injected: 1")
    assert moved.startswith("HTTP 301 Moved Permanently; redirects are not followed (Location: http://10.0.0.1/ X-")
    assert "\r" not in moved and "\n" not in moved


def test_the_response_excerpt_is_capped_text():
    assert domain.response_excerpt(b"") is None
    assert domain.response_excerpt(b"ok") == "ok"
    assert domain.response_excerpt(b"line 1\n\tline 2\x00\x1b[31m") == "line 1\n\tline 2[31m"
    assert domain.response_excerpt(b"caf\xc3\xa9 \xff") == "caf\u00e9 \ufffd"
    long = domain.response_excerpt(b"x" * 5000)
    assert len(long) == domain.RESPONSE_EXCERPT_LIMIT and long.endswith("\u2026")


def test_an_endpoint_failing_past_the_schedule_is_disabled_unless_it_succeeded_meanwhile():
    spent = domain.webhook_verdict(500, 10, NOW)  # the tenth attempt: all nine retries used
    first = NOW - timedelta(days=3)
    assert domain.failed_past_schedule(spent, first, first)
    assert domain.failed_past_schedule(spent, first - timedelta(hours=1), first)
    # another delivery succeeded after this one's first attempt: one bad delivery, not a bad endpoint
    assert not domain.failed_past_schedule(spent, first + timedelta(hours=1), first)
    assert not domain.failed_past_schedule(domain.webhook_verdict(500, 9, NOW), first, first)  # one retry left
    assert not domain.failed_past_schedule(spent, None, first)


def test_a_subscription_failing_for_five_days_is_disabled():
    assert not domain.failing_too_long(None, NOW)
    assert not domain.failing_too_long(NOW - timedelta(days=4, hours=23), NOW)
    assert domain.failing_too_long(NOW - timedelta(days=5), NOW)


def test_mail_retry_backoff_grows_then_gives_up_after_five_days():
    queued = NOW
    waits, now, attempts = [], NOW, 0
    while True:
        attempts += 1
        retry_at = domain.mail_retry_at(attempts, queued, now)
        if retry_at is None:
            break
        waits.append(retry_at - now)
        now = retry_at
    assert waits[:6] == [timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15), timedelta(hours=1),
                         timedelta(hours=4), timedelta(hours=8)]
    assert set(waits[6:]) == {timedelta(hours=8)}
    assert now - queued <= timedelta(days=5) and now + timedelta(hours=8) - queued > timedelta(days=5)
    assert domain.mail_retry_at(1, queued, NOW, scale=0.001) == NOW + timedelta(milliseconds=60)


@pytest.mark.parametrize("code, permanent", [(550, True), (554, True), (421, False), (451, False), (None, False)])
def test_smtp_5xx_is_permanent_4xx_and_no_reply_transient(code, permanent):
    assert domain.smtp_permanent(code) == permanent


# -- URL safety -------------------------------------------------------------------------------

@pytest.mark.parametrize("address, reason", [
    ("127.0.0.1", "loopback"), ("::1", "loopback"), ("::ffff:127.0.0.1", "loopback"),
    ("10.1.2.3", "private"), ("172.16.0.1", "private"), ("192.168.1.1", "private"), ("fd12::1", "private"),
    ("169.254.169.254", "metadata"), ("fd00:ec2::254", "metadata"), ("100.100.100.200", "metadata"),
    ("169.254.10.1", "link-local"), ("fe80::1", "link-local"), ("0.0.0.0", "unspecified"), ("::", "unspecified"),
    ("100.64.0.1", "non-public"), ("224.0.0.1", "multicast"),
    ("8.8.8.8", None), ("2001:4860:4860::8888", None),
])
def test_webhook_addresses_must_be_public(address, reason):
    refusal = domain.address_refusal(address)
    assert (refusal is None) if reason is None else (reason in refusal)


def test_allow_list_permits_networks_and_host_names():
    allow = domain.AllowList.parse("127.0.0.1/32, hooks.internal ,10.0.0.0/8")
    assert domain.host_refusal("localhost", ["127.0.0.1"], allow) is None
    assert "::1" in domain.host_refusal("localhost", ["127.0.0.1", "::1"], allow)
    assert domain.host_refusal("hooks.internal", ["192.168.1.5"], allow) is None
    assert domain.host_refusal("x.example", ["10.9.9.9"], allow) is None
    refusal = domain.host_refusal("x.example", ["93.184.216.34", "192.168.0.1"], domain.AllowList.parse(""))
    assert "192.168.0.1" in refusal and "private" in refusal
    assert "does not resolve" in domain.host_refusal("nowhere.invalid", [], allow)
    assert domain.host_refusal("example.com", ["93.184.216.34"], domain.AllowList()) is None


def test_a_webhook_url_is_sent_to_its_host_and_port_or_the_schemes():
    assert domain.webhook_target("https://hooks.example/x") == ("hooks.example", 443)
    assert domain.webhook_target("http://hooks.example/x") == ("hooks.example", 80)
    assert domain.webhook_target("https://[2001:db8::1]:8443/x") == ("2001:db8::1", 8443)
    for url in ("https://hooks.example:0/x", "https://hooks.example:65536/x", "https://hooks.example:port/x"):
        assert "invalid port" in domain.webhook_target(url), url
    for url in ("ftp://hooks.example/x", "https:///x", "hooks.example/x"):
        assert "http or https URL with a host" in domain.webhook_target(url), url


def test_the_url_check_resolves_with_a_timeout():
    allow = domain.AllowList.parse("127.0.0.1/32")
    assert dns.url_refusal("http://127.0.0.1:9/hook", allow) is None
    assert "loopback" in dns.url_refusal("http://127.0.0.1:9/hook", domain.AllowList())
    assert "http or https" in dns.url_refusal("ftp://127.0.0.1/x", allow)
    assert "invalid port" in dns.url_refusal("http://127.0.0.1:99999/x", allow)

    def slow_lookup(host, port, **kwargs):
        time.sleep(1)
        return socket.getaddrinfo(host, port, **kwargs)

    started = time.monotonic()
    refusal = dns.url_refusal("http://hooks.example:9/hook", allow, dns_timeout=0.05, lookup=slow_lookup)
    assert time.monotonic() - started < 0.5
    assert refusal == "host hooks.example did not resolve within 0.05 s"
    # an IP literal is its own answer: nothing is looked up, so the slow resolver is never asked
    assert dns.url_refusal("http://127.0.0.1:9/hook", allow, dns_timeout=0.05, lookup=slow_lookup) is None
    assert dns.checked_addresses("http://[::1]:9/hook", domain.AllowList.parse("::1/128"),
                                      lookup=slow_lookup) == (["::1"], None)

    # the request goes to the checked address, the URL's own host:port in Host
    assert [str(part) for part in dns.pinned("https://hooks.example:8443/p?q=1", "93.184.216.34")] == \
        ["https://93.184.216.34:8443/p?q=1", "hooks.example:8443"]
    assert [str(part) for part in dns.pinned("http://hooks.example/p", "2001:db8::1")] == \
        ["http://[2001:db8::1]/p", "hooks.example"]

    def failing_lookup(host, port, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    assert "does not resolve" in dns.url_refusal("http://nowhere.invalid/", allow, lookup=failing_lookup)


# -- who receives what ------------------------------------------------------------------------

@pytest.mark.parametrize("role, event_type, data, received", [
    (ORGANISER, "ptghub.schedule.session.scheduled", {}, True),
    (INTEGRATION, "ptghub.schedule.session.scheduled", {}, True),
    (ORGANISER, domain.MESSAGE_SENT, {"recipient": "list@example.org"}, True),
    (INTEGRATION, domain.MESSAGE_SENT, {"recipient": "list@example.org"}, False),
    (INTEGRATION, domain.MESSAGE_FAILED, {"recipient": "list@example.org"}, False),
    (INTEGRATION, domain.REMINDER_DUE, {"person": {"email": "mgoddard@example.org"}}, False),  # its one-click links
    (ORGANISER, domain.REMINDER_DUE, {"person": {"email": "mgoddard@example.org"}}, True),
    (ORGANISER, domain.WEBHOOK_DISABLED, {"owner": "token-b"}, True),
    (INTEGRATION, domain.WEBHOOK_DISABLED, {"owner": "token-b"}, False),
    (INTEGRATION, domain.WEBHOOK_DISABLED, {"owner": "token-a"}, True),
    (INTEGRATION, domain.WEBHOOK_DISABLED, None, False),
    (INTEGRATION, domain.TOKEN_REVOKED, {"id": "token-b"}, False),
    (INTEGRATION, domain.TOKEN_REVOKED, {"id": "token-a"}, True),
    (ORGANISER, domain.TOKEN_REVOKED, {"id": "token-b"}, True),
])
def test_an_integration_receives_no_personal_data_and_nothing_of_another_token(role, event_type, data, received):
    assert domain.may_receive("token-a", role, event_type, data) == received


def test_a_summary_waiting_for_its_route_looks_again_with_back_off():
    assert [domain.route_check_delay(n).total_seconds() for n in range(1, 9)] == [1, 2, 4, 8, 16, 32, 60, 60]


def test_an_older_track_event_is_older():
    assert domain.is_older("2019-05-02T10:00:00Z", "2019-05-02T10:00:01+00:00")
    assert not domain.is_older("2019-05-02T10:00:01Z", "2019-05-02T10:00:00Z")
    assert not domain.is_older(None, "2019-05-02T10:00:00Z") and not domain.is_older("2019-05-02T10:00:00Z", "")


# -- topics -----------------------------------------------------------------------------------

@pytest.mark.parametrize("patterns, event_type, matched", [
    (["#"], "ptghub.schedule.session.scheduled", True),
    (["ptghub.schedule.session.*"], "ptghub.schedule.session.scheduled", True),
    (["ptghub.schedule.session.*"], "ptghub.schedule.track.created", False),
    (["ptghub.*.session.*"], "ptghub.schedule.session.cancelled", True),
    (["ptghub.schedule.#"], "ptghub.schedule.session.started", True),
    (["ptghub.notes.#", "ptghub.schedule.session.*"], "ptghub.schedule.session.ended", True),
    (["ptghub.schedule.*"], "ptghub.schedule.session.scheduled", False),
])
def test_topic_patterns(patterns, event_type, matched):
    assert domain.matches_any(patterns, event_type) == matched


@pytest.mark.parametrize("pattern, valid", [
    ("#", True), ("ptghub.schedule.session.*", True), ("ptghub.#", True), ("a-b_c.D9", True),
    ("", False), ("ptghub..x", False), ("ptghub.sched*", False), ("with space", False), ("x" * 300, False),
])
def test_topic_pattern_validation(pattern, valid):
    assert domain.is_topic_pattern(pattern) == valid
    errors = WebhookSchema().validate({"url": "https://example.com/", "event_types": [pattern]})
    assert ("event_types" not in errors) == valid


# -- mail -------------------------------------------------------------------------------------

SUMMARY = {"id": "sum-1", "event": "denver", "track": "kolla", "track_name": "Kolla",
           "title": "Virtual PTG summary", "text": "We met.\n\nDecided: <b>python 3</b> only.",
           "sessions": [{"title": "Python 3 images", "start": "2019-05-02T09:00:00-06:00"}],
           "published_at": "2019-05-31T18:21:27Z"}


def build(thread=headers.Thread(), message_id="<summary-sum-1.abc@lists.example>"):
    message = summaries.summary_mail(SUMMARY, tag="kolla", sender="ptghub <ptghub@lists.example>",
                                  recipient="openstack-discuss@lists.openstack.org", message_id=message_id,
                                  date=NOW, thread=thread)
    return email.message_from_bytes(message.as_bytes(), policy=policy.default)


def test_summary_mail_headers_and_parts():
    parsed = build()
    assert parsed["Subject"] == "[kolla] Virtual PTG summary"
    assert parsed["From"] == "ptghub <ptghub@lists.example>"
    assert parsed["To"] == "openstack-discuss@lists.openstack.org"
    assert parsed["Message-ID"] == "<summary-sum-1.abc@lists.example>"
    assert parsed["Auto-Submitted"] == "auto-generated"
    assert parsed["Date"].datetime == NOW
    assert parsed["In-Reply-To"] is None and parsed["References"] is None
    assert parsed.get_content_type() == "multipart/alternative"
    text = parsed.get_body(("plain",)).get_content()
    html = parsed.get_body(("html",)).get_content()
    assert "Decided: <b>python 3</b> only." in text and "Sent by ptghub for the Kolla track of denver." in text
    assert "&lt;b&gt;python 3&lt;/b&gt;" in html and "<b>python" not in html
    assert all(b < 128 for b in build().as_bytes())


def test_later_summaries_thread_under_the_first():
    parsed = build(headers.Thread(root="<summary-first@lists.example>"), message_id="<summary-second@lists.example>")
    assert parsed["In-Reply-To"] == "<summary-first@lists.example>"
    assert parsed["References"] == "<summary-first@lists.example>"
    assert build(headers.Thread(root="<summary-sum-1.abc@lists.example>"))["In-Reply-To"] is None


def test_message_ids_are_stable_and_distinct():
    first = headers.summary_message_id("sum-1", "ev-1", "list@example.org", "lists.example")
    assert first == headers.summary_message_id("sum-1", "ev-1", "LIST@example.org", "lists.example")
    assert first != headers.summary_message_id("sum-1", "ev-2", "list@example.org", "lists.example")
    assert first.startswith("<summary-sum-1.") and first.endswith("@lists.example>")
    assert domain.mail_domain("ptghub <ptghub@localhost>") == "localhost"
    assert domain.mail_domain("nobody") == "ptghub"


def test_subject_tag_is_not_doubled():
    assert headers.subject("kolla", "Train PTG summary") == "[kolla] Train PTG summary"
    assert headers.subject("kolla", "[kolla] Train PTG summary") == "[kolla] Train PTG summary"
    assert headers.subject("nova", "two\nlines") == "[nova] two lines"
