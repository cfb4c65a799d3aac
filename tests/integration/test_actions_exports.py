"""The action exports from the actions service process on real PostgreSQL: the CSV's headers and
streamed body, the feeds' conditional GETs, and the problems for bad filters and unknown names."""
import csv
import io
import uuid

import pytest
import sqlalchemy as sa
from icalendar import Calendar
from sqlalchemy.orm import Session

from services.actions import store
from services.actions.descriptor import DESCRIPTOR as actions_service
from services.actions.domain.exports import CSV_COLUMNS

from ..conftest import ORGANISER
from ..infra import publish_event, wait_until

pytestmark = pytest.mark.integration


@pytest.fixture
def service(start_service, infra):
    service = start_service(actions_service)
    data = {"id": str(uuid.uuid4()), "event": "denver", "slug": "kolla", "name": "Kolla",
            "mailing_list": "openstack-discuss@lists.openstack.org", "subject_tag": "kolla"}
    cloud_event = publish_event(infra.amqp_url, infra.exchange, "ptghub.schedule.track.created", data)

    def seen():
        with service.database.engine.connect() as connection:
            return connection.execute(sa.text("select count(*) from inbox where event_id = :id"),
                                      {"id": cloud_event.id}).scalar_one() == 1

    wait_until(seen, message="track created")
    with Session(service.database.engine) as session, session.begin():  # no people API on this branch yet
        session.add(store.Person(nick="mgoddard", nick_key="mgoddard", name="Mark Goddard", email="mark@example.com",
                                 aliases=[store.PersonAlias(key="markg", alias="markg")]))
    return service


def create(service, **fields):
    body = {"title": "write the spec", "owners": ["mgoddard"], "event": "denver", "track": "kolla", **fields}
    response = service.client.post("/actions", json=body, headers=ORGANISER)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_the_csv_streams_every_matching_action_as_an_attachment(service):
    made = [create(service, title=f"=item {n}, with a comma", due_date="2019-06-01") for n in range(3)]
    create(service, title="someone else's", owners=["jdoe"])
    response = service.client.get("/actions.csv?owner=MarkG&event=denver", headers=ORGANISER)
    assert response.status_code == 200
    assert response.is_streamed, "the rows are written while the response is sent"
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="actions-denver.csv"'
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True), newline="")))
    assert rows[0] == list(CSV_COLUMNS)
    assert [row[0] for row in rows[1:]] == [action["id"] for action in made]
    assert {row[1] for row in rows[1:]} == {f"'=item {n}, with a comma" for n in range(3)}
    assert {row[5] for row in rows[1:]} == {"mark@example.com"}

    nothing = service.client.get("/actions.csv?owner=nobody", headers=ORGANISER)
    assert nothing.status_code == 200 and nothing.get_data() == (",".join(CSV_COLUMNS) + "\r\n").encode()


@pytest.mark.parametrize("query, field", [("status=maybe", "status"), ("limit=10", "limit"), ("bogus=1", "bogus"),
                                          ("owner=", "owner")])
def test_a_bad_filter_is_a_400_naming_it(service, query, field):
    response = service.client.get(f"/actions.csv?{query}", headers=ORGANISER)
    assert response.status_code == 400 and response.content_type == "application/problem+json"
    assert field in response.get_json()["errors"]


def test_the_feeds_answer_conditional_gets_and_name_what_is_unknown(service):
    action = create(service, due_date="2019-06-01")
    feed = service.client.get("/people/mgoddard/actions.ics", headers=ORGANISER)
    assert feed.status_code == 200 and feed.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert feed.headers["Content-Disposition"] == 'attachment; filename="actions-mgoddard.ics"'
    (todo,) = Calendar.from_ical(feed.data).walk("VTODO")
    assert str(todo["UID"]) == f"{action['id']}@ptghub" and str(todo["STATUS"]) == "NEEDS-ACTION"
    tag = feed.headers["ETag"]
    again = service.client.get("/people/markg/actions.ics", headers=ORGANISER | {"If-None-Match": tag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == tag

    done = service.client.patch(f"/actions/{action['id']}", json={"status": "done"}, headers=ORGANISER)
    assert done.status_code == 200
    changed = service.client.get("/people/mgoddard/actions.ics", headers=ORGANISER | {"If-None-Match": tag})
    assert changed.status_code == 200 and changed.headers["ETag"] != tag
    (todo,) = Calendar.from_ical(changed.data).walk("VTODO")
    assert str(todo["STATUS"]) == "COMPLETED" and todo.decoded("SEQUENCE") == 2 and "COMPLETED" in todo

    track = service.client.get("/events/denver/tracks/kolla/actions.ics", headers=ORGANISER)
    assert track.status_code == 200 and [str(t["UID"]) for t in Calendar.from_ical(track.data).walk("VTODO")] == \
        [f"{action['id']}@ptghub"]
    assert service.client.get("/events/denver/tracks/kolla/actions.ics",
                              headers=ORGANISER | {"If-None-Match": track.headers["ETag"]}).status_code == 304

    unknown = service.client.get("/people/nobody/actions.ics", headers=ORGANISER)
    assert unknown.status_code == 404 and unknown.content_type == "application/problem+json"
    assert "nick" in unknown.get_json()["errors"] and "nobody" in unknown.get_json()["detail"]
    no_track = service.client.get("/events/denver/tracks/cinder/actions.ics", headers=ORGANISER)
    assert no_track.status_code == 404 and "track" in no_track.get_json()["errors"]
