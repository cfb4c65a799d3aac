"""The gateway's token operations (gateway/tokens.py, gateway/bootstrap.py) against a SQLite file."""
import asyncio
import json
import stat
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa

from gateway import bootstrap, tokens
from gateway.descriptor import DESCRIPTOR
from gateway.store import ApiToken
from services.kit import migrations
from services.kit.auth import is_organiser, may_write_track, reads_everything, require_organiser
from services.kit.cloudevents import CloudEvent
from services.kit.db import Database, utcnow
from services.kit.problems import Conflict, Forbidden, Invalid, NotFound, Problem

from .conftest import outbox_types

REVOKED = "ptghub.gateway.token.revoked"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def database(make_database):
    return make_database(DESCRIPTOR)


def organiser(database, name="organiser"):
    return tokens.issue(database, tokens.NewToken(name=name, role="organiser"))


def revoked_events(database) -> list[CloudEvent]:
    with database.engine.connect() as connection:
        return [CloudEvent.from_json(row.payload) for row in connection.execute(
            database.outbox.select().order_by(database.outbox.c.seq))]


# -- issuing ------------------------------------------------------------------------------------

def test_a_chair_token_names_event_and_track_pairs(database):
    row, token = tokens.issue(database, tokens.NewToken(
        name="nova chairs", role="chair", tracks=[{"event": "denver", "track": "nova"}] * 2))
    assert token.startswith("ptg_") and tokens.find(database, token).id == row.id
    principal = row.principal()
    assert principal == {"sub": row.id, "name": "nova chairs", "role": "chair",
                         "tracks": [{"event": "denver", "track": "nova"}], "relay": False}
    assert may_write_track(principal, "denver", "nova")
    assert not may_write_track(principal, "berlin", "nova")


@pytest.mark.parametrize("command, field", [
    (tokens.NewToken(name="c", role="chair"), "tracks"),
    (tokens.NewToken(name="c", role="chair", tracks=["nova"]), "tracks"),
    (tokens.NewToken(name="c", role="chair", tracks=[{"track": "nova"}]), "tracks"),
    (tokens.NewToken(name="o", role="organiser", relay=True), "relay"),
    (tokens.NewToken(name="x", role="admin"), "role"),
])
def test_a_token_that_breaks_a_rule_is_refused_naming_the_field(database, command, field):
    with pytest.raises(Invalid) as caught:
        tokens.issue(database, command)
    assert caught.value.status == 422 and set(caught.value.errors) == {field}
    assert tokens.list_tokens(database) == []


# -- revoking -----------------------------------------------------------------------------------

def test_revoking_announces_it_in_the_same_transaction(database):
    organiser(database)
    bot, secret = tokens.issue(database, tokens.NewToken(name="bot", role="integration"))
    revoked = tokens.revoke(database, bot.id)
    assert tokens.find(database, secret) is None
    assert [t.name for t in tokens.list_tokens(database)] == ["organiser"]
    (event,) = revoked_events(database)
    assert (event.type, event.source, event.subject) == (REVOKED, "/ptghub/gateway", bot.id)
    assert event.data == {"id": bot.id, "name": "bot", "role": "integration",
                          "revoked_at": revoked.revoked_at.isoformat()}


def test_revoking_an_unknown_or_revoked_token_is_404(database):
    organiser(database)
    bot, _ = tokens.issue(database, tokens.NewToken(name="bot", role="integration"))
    tokens.revoke(database, bot.id)
    for token_id in (bot.id, "nope"):
        with pytest.raises(NotFound) as caught:
            tokens.revoke(database, token_id)
        assert set(caught.value.errors) == {"token_id"}
    assert outbox_types(database) == [REVOKED], "announced once"


def test_the_last_active_organiser_token_cannot_be_revoked(database):
    first, _ = organiser(database, "first")
    second, _ = organiser(database, "second")
    tokens.revoke(database, second.id)  # a token may revoke itself while another organiser is left
    with pytest.raises(Conflict) as caught:
        tokens.revoke(database, first.id)
    problem = caught.value.to_dict()
    assert problem["status"] == 409 and "last active organiser" in problem["detail"]
    assert problem["errors"] == {"token_id": ["the last active organiser token cannot be revoked"]}
    assert tokens.has_organiser(database)
    assert outbox_types(database) == [REVOKED], "nothing announced for the refusal"


def test_chairs_and_integrations_never_count_as_organisers(database):
    only, _ = organiser(database)
    tokens.issue(database, tokens.NewToken(name="c", role="chair", tracks=[{"event": "e", "track": "t"}]))
    with pytest.raises(Conflict):
        tokens.revoke(database, only.id)


# -- chair tokens from before per-event scope -----------------------------------------------------

def legacy_chair(database, tracks=("nova",)) -> ApiToken:
    row = ApiToken(name="old nova chairs", role="chair", tracks_json=json.dumps(list(tracks)),
                   token_hash=tokens.hash_token("ptg_legacy"))
    with database.sessions.begin() as session:
        session.add(row)
    return row


def test_a_chair_token_with_plain_slugs_grants_nothing(database):
    legacy_chair(database, ["nova", {"event": "denver", "track": "kolla"}])
    row = tokens.find(database, "ptg_legacy")
    principal = row.principal()
    assert principal["tracks"] == [{"event": "denver", "track": "kolla"}]
    assert not may_write_track(principal, "denver", "nova")
    assert [r.name for r in tokens.chairs_without_events(database)] == ["old nova chairs"]


# -- the bootstrap token ------------------------------------------------------------------------

def test_the_bootstrap_token_is_issued_once_then_already_active(database):
    assert tokens.ensure_bootstrap_token(database, "ptg_boot")[0] == tokens.ISSUED
    outcome, row = tokens.ensure_bootstrap_token(database, "ptg_boot")
    assert outcome == tokens.ACTIVE and row.role == "organiser" and row.name == "bootstrap organiser"
    assert len(tokens.list_tokens(database)) == 1


def test_a_revoked_bootstrap_token_is_reinstated(database):
    _, row = tokens.ensure_bootstrap_token(database, "ptg_boot")
    organiser(database, "another")
    tokens.revoke(database, row.id)
    assert tokens.find(database, "ptg_boot") is None
    outcome, again = tokens.ensure_bootstrap_token(database, "ptg_boot")
    assert outcome == tokens.REINSTATED and again.id == row.id
    assert tokens.find(database, "ptg_boot").id == row.id


def test_a_bootstrap_secret_of_another_role_is_never_promoted(database):
    tokens.issue(database, tokens.NewToken(name="bot", role="integration"), token="ptg_taken")
    outcome, row = tokens.ensure_bootstrap_token(database, "ptg_taken")
    assert outcome == tokens.NOT_AN_ORGANISER and row.role == "integration"
    assert tokens.find(database, "ptg_taken").role == "integration"


@pytest.fixture
def var_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("PTGHUB_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("PTGHUB_BOOTSTRAP_TOKEN", raising=False)
    return tmp_path / "var"


def test_bootstrap_says_what_it_did_in_every_case(database, var_dir, monkeypatch):
    monkeypatch.setenv("PTGHUB_BOOTSTRAP_TOKEN", "ptg_boot")
    assert bootstrap.ensure_organiser_token(database).lines == [
        "organiser token from PTGHUB_BOOTSTRAP_TOKEN: issued", "organiser token: ptg_boot"]
    assert bootstrap.ensure_organiser_token(database).lines == [
        "organiser token from PTGHUB_BOOTSTRAP_TOKEN: already active", "organiser token: ptg_boot"]
    organiser(database, "another")
    tokens.revoke(database, tokens.find(database, "ptg_boot").id)
    report = bootstrap.ensure_organiser_token(database)
    assert report.lines[0].startswith("organiser token from PTGHUB_BOOTSTRAP_TOKEN was revoked; reinstated")
    assert report.token == "ptg_boot" and tokens.find(database, "ptg_boot") is not None
    assert bootstrap.ensure_organiser_token(database).lines[0].endswith("already active")


def test_without_the_variable_a_token_is_generated_once_and_kept(database, var_dir):
    first = bootstrap.ensure_organiser_token(database)
    assert first.lines[0].startswith("organiser token: generated, kept in")
    token_file = var_dir / bootstrap.TOKEN_FILE
    assert token_file.read_text().strip() == first.token
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    assert bootstrap.ensure_organiser_token(database).lines == [f"organiser token: {first.token}"]
    token_file.unlink()
    assert bootstrap.ensure_organiser_token(database).lines == [
        "organiser token: (issued earlier; create another with POST /api/v1/tokens)"]
    assert len(tokens.list_tokens(database)) == 1


def test_a_bootstrap_secret_of_another_role_falls_back_to_the_kept_token(database, var_dir, monkeypatch):
    tokens.issue(database, tokens.NewToken(name="bot", role="integration"), token="ptg_taken")
    monkeypatch.setenv("PTGHUB_BOOTSTRAP_TOKEN", "ptg_taken")
    report = bootstrap.ensure_organiser_token(database)
    assert report.lines[0].startswith("PTGHUB_BOOTSTRAP_TOKEN is the integration token 'bot'")
    assert report.lines[1].startswith("organiser token: generated")
    assert tokens.find(database, report.token).role == "organiser"


def test_bootstrap_names_the_chair_tokens_to_reissue(database, var_dir, monkeypatch):
    monkeypatch.setenv("PTGHUB_BOOTSTRAP_TOKEN", "ptg_boot")
    row = legacy_chair(database)
    warning = bootstrap.ensure_organiser_token(database).lines[1]
    assert warning.startswith("warning: 1 chair token(s) name tracks without their event")
    assert row.id in warning


def test_the_migrations_bring_an_old_token_store_to_head_and_convert_nothing(tmp_path):
    url = f"sqlite:///{tmp_path / 'gateway.db'}"
    migrations.upgrade(DESCRIPTOR.package_dir, url, "0002")
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text(
            "INSERT INTO api_tokens (id, name, role, tracks_json, relay, token_hash, created_at) "
            "VALUES ('t1', 'old chairs', 'chair', '[\"nova\"]', 0, :hash, '2026-01-01 00:00:00')"),
            {"hash": tokens.hash_token("ptg_old")})
    engine.dispose()
    migrations.upgrade(DESCRIPTOR.package_dir, url)
    database = Database(url, DESCRIPTOR.metadata, source="/ptghub/gateway")
    try:
        row = tokens.find(database, "ptg_old")
        assert row.unscoped_tracks == ["nova"] and row.principal()["tracks"] == []
        organiser(database)
        tokens.revoke(database, row.id)
        assert outbox_types(database) == [REVOKED]
    finally:
        database.dispose()


def test_bootstrap_with_an_unreachable_database_is_one_clear_line(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "PTGHUB_VAR_DIR": str(tmp_path),
           "PTGHUB_GATEWAY_DATABASE_URL": "postgresql+psycopg://ptghub:secret@127.0.0.1:1/ptghub_gateway"}
    result = subprocess.run([sys.executable, "-m", "gateway.bootstrap"], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "secret" not in result.stderr
    assert result.stderr.startswith("gateway bootstrap: the gateway database postgresql+psycopg://ptghub:***@")


# -- roles, scope and expiry (issue 10) -----------------------------------------------------------

def test_a_reader_token_is_a_reader_and_writes_no_track(database):
    row, secret = tokens.issue(database, tokens.NewToken(name="dashboard", role="reader"))
    principal = tokens.find(database, secret).principal()
    assert principal["role"] == "reader" and "events" not in principal
    assert reads_everything(principal, "denver") and not may_write_track(principal, "denver", "nova")


def test_an_organiser_of_some_events_organises_those_only(database):
    row, secret = tokens.issue(database, tokens.NewToken(name="denver team", role="organiser",
                                                         events=["denver", "denver"]))
    principal = tokens.find(database, secret).principal()
    assert principal["events"] == ["denver"]
    assert is_organiser(principal, "denver") and may_write_track(principal, "denver", "nova")
    assert not is_organiser(principal, "berlin") and not may_write_track(principal, "berlin", "nova")
    assert not is_organiser(principal), "nothing outside its events (no event: not its)"
    with pytest.raises(Forbidden):
        require_organiser(principal, "the events", None)
    with pytest.raises(Forbidden) as caught:  # it does not manage tokens
        tokens.issue(database, tokens.NewToken(name="x", role="reader"), by=principal)
    assert set(caught.value.errors) == {"role"}
    with pytest.raises(Forbidden):
        tokens.list_page(database, 10, by=principal)


@pytest.mark.parametrize("command, field", [
    (tokens.NewToken(name="c", role="chair", tracks=[{"event": "e", "track": "t"}], events=["e"]), "events"),
    (tokens.NewToken(name="o", role="organiser", events=["Not A Slug"]), "events"),
    (tokens.NewToken(name="o", role="organiser", expires_at=datetime(2020, 1, 1, tzinfo=timezone.utc)), "expires_at"),
    (tokens.NewToken(name="o", role="organiser", expires_at=datetime(2099, 1, 1)), "expires_at"),
])
def test_scope_and_expiry_that_break_a_rule_are_refused_naming_the_field(database, command, field):
    with pytest.raises(Invalid) as caught:
        tokens.issue(database, command)
    assert caught.value.status == 422 and set(caught.value.errors) == {field}


def test_parse_time_names_its_field():
    assert tokens.parse_time("expires_at", "2030-05-02T18:00:00Z") == datetime(2030, 5, 2, 18, tzinfo=timezone.utc)
    for bad in ("tomorrow", "2030-05-02T18:00:00"):
        with pytest.raises(Invalid) as caught:
            tokens.parse_time("expires_at", bad)
        assert set(caught.value.errors) == {"expires_at"}


def expire(database, row: ApiToken) -> None:
    with database.sessions.begin() as session:
        session.execute(sa.update(ApiToken).where(ApiToken.id == row.id)
                        .values(expires_at=utcnow() - timedelta(seconds=1)))


def test_an_expired_token_is_found_no_more_and_the_cache_says_it_expired(database):
    row, secret = tokens.issue(database, tokens.NewToken(name="bot", role="integration",
                                                         expires_at=utcnow() + timedelta(hours=1)))
    cache = tokens.TokenCache(database, ttl=60)
    assert asyncio.run(cache.principal(secret))["sub"] == row.id
    expire(database, row)
    assert tokens.find(database, secret) is None and tokens.lookup(database, secret).id == row.id
    with pytest.raises(tokens.TokenExpired) as caught:
        asyncio.run(tokens.TokenCache(database).principal(secret))
    assert caught.value.status == 401 and caught.value.errors == {"Authorization": ["expired token"]}
    assert asyncio.run(cache.principal("ptg_unknown")) is None


def test_last_used_at_is_written_at_most_once_an_interval(database):
    row, secret = tokens.issue(database, tokens.NewToken(name="bot", role="integration"))
    writes = []

    async def use(cache, times):
        for _ in range(times):
            await cache.principal(secret)
        writes.extend(cache._writes)
        await asyncio.gather(*cache._writes)

    cache = tokens.TokenCache(database, use_interval=60)
    asyncio.run(use(cache, 50))
    assert len(writes) == 1, "one write for fifty requests"
    first = tokens.lookup(database, secret).last_used_at
    assert first is not None and utcnow() - first < timedelta(seconds=30)
    cache.use_interval = 0  # the interval has passed
    asyncio.run(use(cache, 1))
    assert tokens.lookup(database, secret).last_used_at > first


def test_tokens_come_in_pages_oldest_first_with_a_cursor(database):
    issued = [tokens.issue(database, tokens.NewToken(name=f"bot {i}", role="integration"))[0].id for i in range(7)]
    seen, cursor, pages = [], None, 0
    while True:
        page = tokens.list_page(database, 3, cursor)
        seen += [row.id for row in page.items]
        pages += 1
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert seen == issued and pages == 3
    with pytest.raises(Problem) as caught:
        tokens.list_page(database, 3, "not-a-cursor")
    assert caught.value.status == 400 and set(caught.value.errors) == {"cursor"}


def test_a_token_does_not_revoke_itself(database):
    first, _ = organiser(database, "first")
    second, _ = organiser(database, "second")
    with pytest.raises(Conflict) as caught:
        tokens.revoke(database, first.id, by=first.principal())
    assert "does not revoke itself" in caught.value.detail and set(caught.value.errors) == {"token_id"}
    tokens.revoke(database, first.id, by=second.principal())
    assert outbox_types(database) == [REVOKED]


def test_expired_and_event_scoped_organisers_do_not_count_as_the_last_organiser(database):
    wide, _ = organiser(database, "wide")
    old, _ = organiser(database, "old")
    tokens.issue(database, tokens.NewToken(name="denver team", role="organiser", events=["denver"]))
    expire(database, old)
    with pytest.raises(Conflict) as caught:
        tokens.revoke(database, wide.id)
    assert "last active organiser" in caught.value.detail
    tokens.revoke(database, old.id)  # an expired organiser token may go
    assert tokens.has_organiser(database)
