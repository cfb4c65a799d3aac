"""The schedule service against real PostgreSQL and RabbitMQ."""
import threading

import pytest
import sqlalchemy as sa

from services.schedule import api, consumers, store

from ..conftest import ORGANISER, principal_header

pytestmark = pytest.mark.integration

EVENT = {"slug": "denver", "name": "Denver PTG", "timezone": "America/Denver",
         "start_date": "2019-05-02", "end_date": "2019-05-04"}


@pytest.fixture
def schedule(start_service):
    service = start_service("schedule", store.Base.metadata, [api.blueprint], consumers.subscriptions)
    client = service.client
    assert client.post("/events", json=EVENT, headers=ORGANISER).status_code == 201
    assert client.post("/events/denver/rooms", json={"slug": "aspen", "name": "Aspen", "capacity": 40},
                       headers=ORGANISER).status_code == 201
    assert client.post("/events/denver/tracks", json={"slug": "kolla", "name": "Kolla",
                       "mailing_list": "openstack-discuss@lists.openstack.org", "subject_tag": "kolla"},
                       headers=ORGANISER).status_code == 201
    return service


def session_body(start="09:00", end="10:45", title="Python 3 images", room="aspen", day="2019-05-02"):
    return {"track": "kolla", "room": room, "start": f"{day}T{start}:00-06:00", "end": f"{day}T{end}:00-06:00",
            "title": title}


def test_every_change_reaches_the_exchange_as_a_cloudevent(probe, schedule):
    response = schedule.client.post("/events/denver/sessions", json=session_body(), headers=ORGANISER)
    assert response.status_code == 201
    session = response.get_json()
    event = probe.wait_for("ptghub.schedule.session.scheduled", lambda e: e["data"]["id"] == session["id"])
    assert event["specversion"] == "1.0" and event["source"] == "/ptghub/schedule"
    assert event["subject"] == session["id"]
    assert event["data"]["start"] == "2019-05-02T09:00:00-06:00"
    assert event["properties"].message_id == event["id"]
    assert event["properties"].content_type == "application/cloudevents+json"
    assert event["properties"].delivery_mode == 2
    probe.wait_for("ptghub.schedule.track.created", lambda e: e["data"]["mailing_list"].startswith("openstack-discuss"))
    probe.wait_for("ptghub.schedule.event.created")
    probe.wait_for("ptghub.schedule.room.created")


def test_room_double_booking_is_refused_naming_the_other_session(schedule):
    first = schedule.client.post("/events/denver/sessions", json=session_body(), headers=ORGANISER).get_json()
    clash = schedule.client.post("/events/denver/sessions", json=session_body("10:00", "11:00", "Clash"),
                                 headers=ORGANISER)
    assert clash.status_code == 409
    assert clash.content_type == "application/problem+json"
    assert clash.get_json()["conflicting_session"] == first["id"]
    assert first["id"] in clash.get_json()["detail"]
    back_to_back = schedule.client.post("/events/denver/sessions", json=session_body("10:45", "12:30", "Next"),
                                        headers=ORGANISER)
    assert back_to_back.status_code == 201


def test_concurrent_bookings_of_one_room_let_exactly_one_through(schedule):
    app = schedule.app
    statuses = []

    def book(i):
        with app.test_client() as client:
            statuses.append(client.post("/events/denver/sessions", json=session_body(title=f"race {i}"),
                                        headers=ORGANISER).status_code)

    threads = [threading.Thread(target=book, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [201] + [409] * 7


@pytest.mark.parametrize("body, field, status", [
    ({**session_body(), "bogus": 1}, "bogus", 400),
    ({**session_body(), "start": "yesterday"}, "start", 400),
    (session_body("11:00", "10:00"), "end", 422),
    (session_body(day="2019-05-09"), "start", 422),
    (session_body(room="nowhere"), "room", 404),
    ({**session_body(), "track": "nova"}, "track", 404),
    ({k: v for k, v in session_body().items() if k != "title"}, "title", 400),
])
def test_bad_sessions_get_a_problem_naming_the_field_and_write_nothing(schedule, probe, body, field, status):
    response = schedule.client.post("/events/denver/sessions", json=body, headers=ORGANISER)
    assert response.status_code == status
    assert response.content_type == "application/problem+json"
    assert field in response.get_json()["errors"]
    with schedule.database.engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(store.SessionRow)).scalar_one() == 0
        assert connection.execute(sa.text("select count(*) from outbox where event_type like '%session%'")).scalar_one() == 0


def test_a_chair_writes_only_its_own_tracks(schedule):
    nova_chair = principal_header("chair", ["nova"])
    assert schedule.client.post("/events/denver/sessions", json=session_body(), headers=nova_chair).status_code == 403
    kolla_chair = principal_header("chair", ["kolla"])
    assert schedule.client.post("/events/denver/sessions", json=session_body(), headers=kolla_chair).status_code == 201
    assert schedule.client.post("/events/denver/rooms", json={"slug": "x", "name": "X"}, headers=kolla_chair).status_code == 403


def test_unknown_timezone_and_reversed_dates_are_refused(schedule):
    response = schedule.client.post("/events", json={**EVENT, "slug": "mars", "timezone": "Mars/Olympus"},
                                    headers=ORGANISER)
    assert response.status_code == 400 and "timezone" in response.get_json()["errors"]
    response = schedule.client.post("/events", json={**EVENT, "slug": "back", "end_date": "2019-05-01"},
                                    headers=ORGANISER)
    assert response.status_code == 400 and "end_date" in response.get_json()["errors"]


def test_lists_page_by_cursor_and_filter_by_day_in_the_event_timezone(schedule):
    for day, start in [("2019-05-02", "09:00"), ("2019-05-02", "13:30"), ("2019-05-03", "09:00"),
                       ("2019-05-04", "22:00")]:
        end = "23:30" if start == "22:00" else "10:30" if start == "09:00" else "15:00"
        assert schedule.client.post("/events/denver/sessions", json=session_body(start, end, f"{day} {start}", day=day),
                                    headers=ORGANISER).status_code == 201
    first = schedule.client.get("/events/denver/sessions?limit=3").get_json()
    second = schedule.client.get(f"/events/denver/sessions?limit=3&cursor={first['next_cursor']}").get_json()
    assert [s["title"] for s in first["items"] + second["items"]] == [
        "2019-05-02 09:00", "2019-05-02 13:30", "2019-05-03 09:00", "2019-05-04 22:00"]
    assert second["next_cursor"] is None
    # 22:00 in Denver is 04:00 UTC the next day: it still belongs to the event's 4th.
    fourth = schedule.client.get("/events/denver/sessions?day=2019-05-04").get_json()["items"]
    assert [s["title"] for s in fourth] == ["2019-05-04 22:00"]
    assert schedule.client.get("/events/denver/sessions?cursor=garbage").status_code == 400


def test_two_relays_on_one_outbox_never_lose_or_double_claim_a_row(schedule):
    from datetime import timedelta

    from services.kit.db import claim_batch

    outbox = schedule.database.outbox
    schedule.worker.stop.set()
    for thread in schedule.threads:
        thread.join(timeout=5)
    for i in range(40):
        schedule.client.post("/events/denver/sessions",
                             json=session_body(f"{8 + i // 4:02d}:{(i % 4) * 15:02d}", f"{8 + i // 4:02d}:{(i % 4) * 15 + 10:02d}",
                                               f"s{i}"), headers=ORGANISER)
    claimed = []

    def claimer():
        for _ in range(10):
            _claim, rows = claim_batch(schedule.database, outbox, outbox.c.seq, outbox.c.sent_at.is_(None), 7,
                                       timedelta(minutes=5))
            claimed.extend(r.seq for r in rows)

    threads = [threading.Thread(target=claimer) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with schedule.database.engine.connect() as connection:
        pending = connection.execute(sa.select(outbox.c.seq).where(outbox.c.sent_at.is_(None))).scalars().all()
    assert sorted(claimed) == sorted(pending)
