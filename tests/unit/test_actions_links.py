"""One-click link tokens (services.actions.domain.links): signed, expiring, naming one op on one item."""
from __future__ import annotations

import base64
import json
from datetime import datetime, timedelta, timezone

import jwt
import pytest

from services.actions.domain import links
from services.kit import identity
from services.kit.problems import Problem

KEY = b"unit-test-internal-key-of-32-bytes-or-more"
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)


def test_a_token_carries_its_claims_and_a_fresh_id_each_time():
    token = links.sign(links.DONE, "person-1", "action-1", NOW, key=KEY)
    claims = links.verify(token, NOW + timedelta(days=1), key=KEY)
    assert (claims.op, claims.person_id, claims.action_id, claims.issued_at) == ("done", "person-1", "action-1", NOW)
    assert claims.expires_at == NOW + timedelta(days=30)
    again = links.verify(links.sign(links.DONE, "person-1", "action-1", NOW, key=KEY), NOW, key=KEY)
    assert again.token_id != claims.token_id and len(claims.token_id) >= 16
    assert all(c.isalnum() or c in "-_." for c in token), "URL-safe"


def test_unsubscribe_names_no_item_and_item_ops_name_one():
    assert links.verify(links.sign(links.UNSUBSCRIBE, "p", None, NOW, key=KEY), NOW, key=KEY).action_id is None
    with pytest.raises(ValueError):
        links.sign(links.DONE, "p", None, NOW, key=KEY)
    with pytest.raises(ValueError):
        links.sign(links.UNSUBSCRIBE, "p", "a", NOW, key=KEY)
    with pytest.raises(ValueError):
        links.sign("delete-everything", "p", "a", NOW, key=KEY)


def test_it_expires_after_the_ttl(monkeypatch):
    token = links.sign(links.SNOOZE, "p", "a", NOW, key=KEY)
    links.verify(token, NOW + timedelta(days=30) - timedelta(seconds=1), key=KEY)
    with pytest.raises(Problem) as expired:
        links.verify(token, NOW + timedelta(days=30), key=KEY)
    assert expired.value.status == 410 and expired.value.errors == {"token": ["expired"]}
    monkeypatch.setenv("PTGHUB_LINK_TTL", "3600")
    with pytest.raises(Problem):
        links.verify(token, NOW + timedelta(hours=1), key=KEY)
    links.verify(token, NOW + timedelta(minutes=59), key=KEY)


@pytest.mark.parametrize("mangle", [
    # signature changed (not its last character: base64's last one may carry unused bits only)
    lambda t: t[:-5] + ("A" if t[-5] != "A" else "B") + t[-4:],
    lambda t: "x" + t,                                      # payload changed
    lambda t: t.split(".")[0],                              # signature cut off
    lambda t: "",
    lambda t: "not a token at all",
])
def test_a_forged_or_altered_token_is_a_400(mangle):
    token = links.sign(links.DONE, "p", "a", NOW, key=KEY)
    with pytest.raises(Problem) as forged:
        links.verify(mangle(token), NOW, key=KEY)
    assert forged.value.status == 400 and forged.value.errors == {"token": ["invalid"]}


def test_another_items_claims_cannot_borrow_a_signature():
    token = links.sign(links.DONE, "p", "action-1", NOW, key=KEY)
    payload = {"o": "done", "p": "p", "a": "action-2", "j": "x" * 16, "t": int(NOW.timestamp())}
    encoded = base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).rstrip(b"=").decode()
    with pytest.raises(Problem) as forged:
        links.verify(encoded + "." + token.rsplit(".", 1)[1], NOW, key=KEY)
    assert forged.value.status == 400


def test_a_token_signed_with_another_key_is_refused():
    with pytest.raises(Problem) as forged:
        links.verify(links.sign(links.DONE, "p", "a", NOW, key=b"another key"), NOW, key=KEY)
    assert forged.value.status == 400


def test_a_link_for_another_page_is_refused():
    unsubscribe = links.sign(links.UNSUBSCRIBE, "p", None, NOW, key=KEY)
    with pytest.raises(Problem) as wrong:
        links.verify(unsubscribe, NOW, ops=links.ITEM_OPS, key=KEY)
    assert wrong.value.status == 400 and wrong.value.errors == {"token": ["wrong operation"]}
    with pytest.raises(Problem):
        links.verify(links.sign(links.DROP, "p", "a", NOW, key=KEY), NOW, ops=(links.UNSUBSCRIBE,), key=KEY)


def test_a_token_issued_in_the_future_is_refused():
    with pytest.raises(Problem) as future:
        links.verify(links.sign(links.DONE, "p", "a", NOW + timedelta(hours=1), key=KEY), NOW, key=KEY)
    assert future.value.status == 400


def test_link_tokens_and_principal_jwts_never_pass_for_each_other():
    principal = identity.sign({"sub": "p", "role": "organiser", "tracks": []}, audience="actions", key=KEY)
    with pytest.raises(Problem) as not_a_link:
        links.verify(principal, datetime.now(timezone.utc), key=KEY)
    assert not_a_link.value.status == 400
    token = links.sign(links.DONE, "p", "a", datetime.now(timezone.utc), key=KEY)
    with pytest.raises(Problem):
        identity.verify(token, audience="actions", key=KEY)
    with pytest.raises(jwt.InvalidTokenError):
        jwt.decode(token, KEY, algorithms=["HS256"], options={"verify_aud": False})


def test_the_key_is_the_internal_key_by_default(monkeypatch):
    monkeypatch.setenv("PTGHUB_INTERNAL_KEY", KEY.decode())
    identity.internal_key.cache_clear()
    try:
        token = links.sign(links.DONE, "p", "a", NOW)
        assert links.verify(token, NOW, key=KEY).action_id == "a"
        with pytest.raises(Problem):
            links.verify(token, NOW, key=b"a different internal key")
    finally:
        identity.internal_key.cache_clear()


def test_urls_are_built_on_the_public_url(monkeypatch):
    monkeypatch.setenv("PTGHUB_PUBLIC_URL", "https://ptg.example.org/")
    assert links.link_url("tok") == "https://ptg.example.org/api/v1/a/tok"
    assert links.unsubscribe_url("tok") == "https://ptg.example.org/api/v1/unsubscribe/tok"
    monkeypatch.delenv("PTGHUB_PUBLIC_URL")
    monkeypatch.setenv("PTGHUB_GATEWAY_PORT", "9999")
    assert links.link_url("tok") == "http://127.0.0.1:9999/api/v1/a/tok"
