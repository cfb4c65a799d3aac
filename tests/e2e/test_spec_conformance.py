"""openapi/gateway.yaml keeps its word: schemathesis (every check, a fixed seed, a bounded number of
examples per operation) against a stack started as ``make run`` starts it, with the organiser token
and a seeded gathering, so that paths name real objects. 0 server errors and 0 check failures; a
failure prints schemathesis' report, with the curl command that reproduces each one.

Two passes, so that nothing destroys what the others test: first every operation but the DELETEs,
then the DELETEs. Revoking a token is left out (it would lock the run out; tests/e2e/test_identity.py
covers it).
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ..infra import wait_until
from .conftest import TOKEN

pytestmark = pytest.mark.e2e

SEED = 20190502
MAX_EXAMPLES = int(os.environ.get("PTGHUB_SPEC_MAX_EXAMPLES", "5"))
RUN_TIMEOUT = 420  # seconds per pass; a pass takes well under a minute on this machine
# Revoking tokens is tested in test_identity.py (run here it would lock the run out); the live stream
# never ends (an SSE response), and is tested in test_live.py.
EXCLUDED = ["--exclude-operation-id", "gateway.revoke_token", "--exclude-operation-id", "gateway.stream_events"]

# Statuses a request that matches the document may still get (positive_data_acceptance): 404 an object
# the generated path names does not exist; 409 it clashes with what the run made before; 412 a random
# If-Match is not the note's ETag; 422 a rule across fields or against what exists (a track the
# generated event lacks, end before start; each stated in the field's description). 400 is not among
# them: a 400 for a request the document allows is a rule the document does not state.
SIGNED_PAGES = ("actions.links.show_link", "actions.links.use_link", "actions.links.show_unsubscribe",
                "actions.links.unsubscribe")
ACCEPTABLE = [200, 201, 202, 204, 304, 401, 403, 404, 409, 410, 412, 422, 429]


def seed(stack) -> dict[str, str]:
    """A gathering to aim at: an event with a room, a track, a session (with its note), a person and an action."""
    s = stack.session

    def post(path: str, body: dict) -> dict:
        response = s.post(stack.url(path), json=body)
        assert response.status_code in (201, 202), f"{path}: {response.status_code} {response.text}"
        return response.json()

    post("/events", {"slug": "denver", "name": "Denver PTG", "timezone": "America/Denver",
                     "start_date": "2019-05-02", "end_date": "2019-05-04"})
    post("/events/denver/rooms", {"slug": "aspen", "name": "Aspen", "capacity": 40})
    post("/events/denver/tracks", {"slug": "nova", "name": "Nova"})
    session = post("/events/denver/sessions", {"track": "nova", "room": "aspen", "title": "Cells v2",
                                               "start": "2019-05-02T09:00:00-06:00",
                                               "end": "2019-05-02T10:45:00-06:00"})
    post("/people", {"nick": "mgoddard", "name": "Mark Goddard"})
    # actions learns the track from the schedule's event (its own copy): until then it answers 422 naming it
    body = {"title": "write the cells v2 spec", "event": "denver", "track": "nova", "owners": ["mgoddard"]}

    def create_action():
        response = s.post(stack.url("/actions"), json=body)
        unknown_track = response.status_code == 422 and "track" in response.json().get("errors", {})
        return None if unknown_track else [response]  # a list: a Response is falsy when not ok

    (created,) = wait_until(create_action, timeout=30, message="actions' copy of the track")
    assert created.status_code in (201, 202), f"/actions: {created.status_code} {created.text}"
    action = created.json()
    return {"path.event": "denver", "path.track": "nova", "path.room": "aspen",
            "path.session_id": session["id"], "path.action_id": action["id"], "path.nick": "mgoddard",
            # a cursor is opaque: one this API did not give out is a 400; the run sends the empty one
            "query.cursor": ""}


def config(parameters: dict[str, str]) -> str:
    lines = [f"seed = {SEED}", "", "[generation]", f"max-examples = {MAX_EXAMPLES}", "",
             "[checks]", "enabled = true", "",
             # The path parameters are pinned to the seeded gathering, so the object a request names is not
             # the one the request before created: "created, then not found" would compare two objects.
             "[checks.ensure_resource_availability]", "enabled = false", "",
             "[checks.positive_data_acceptance]", f"expected-statuses = {ACCEPTABLE}", "", "[parameters]"]
    lines += [f'"{name}" = "{value}"' for name, value in parameters.items()]
    # The one-click pages' token is signed: a string this API did not sign is a 400 ("this link does
    # not work"), and no schema can say which strings are signed. Every other check still runs on them.
    lines += ["", "[[operations]]", f"include-operation-id = {list(SIGNED_PAGES)}".replace("'", '"'),
              "checks.positive_data_acceptance.enabled = false"]
    return "\n".join(lines) + "\n"


def schemathesis(stack, config_file: Path, report_dir: Path, *selection: str) -> subprocess.CompletedProcess:
    command = [str(Path(sys.executable).parent / "schemathesis"), "--config-file", str(config_file), "--no-color",
               "run", stack.url("/openapi.json"), "--workers", "2",
               "--header", f"Authorization: Bearer {TOKEN}", "--report", "junit",
               "--report-dir", str(report_dir), *EXCLUDED, *selection]
    return subprocess.run(command, capture_output=True, text=True, timeout=RUN_TIMEOUT,
                          env={**os.environ, "SCHEMATHESIS_HOOKS": ""})


@pytest.mark.timeout(2 * RUN_TIMEOUT + 120)
def test_schemathesis_finds_no_server_error_and_no_broken_promise(start_stack, tmp_path):
    # one client address fuzzing hundreds of requests a second: the rate limit (tested in
    # test_gateway_limits.py) would answer most of them 429
    stack = start_stack(postgres=False, settings={"PTGHUB_RATE_LIMIT": "0"})
    config_file = tmp_path / "schemathesis.toml"
    config_file.write_text(config(seed(stack)))
    for name, selection in (("all but the deletes", ("--exclude-method", "DELETE")),
                            ("the deletes", ("--include-method", "DELETE"))):
        result = schemathesis(stack, config_file, tmp_path / name.replace(" ", "-"), *selection)
        assert result.returncode == 0, f"schemathesis ({name}) found failures:\n{result.stdout[-60000:]}\n{result.stderr[-5000:]}"
        assert "Tested:" in result.stdout, result.stdout
