"""openapi/gateway.yaml agrees with the services' generated documents, and the gateway app loads."""
import functools
import importlib
import logging
import re
import subprocess
import sys

import pytest
import yaml
from flask import Flask

from services import catalog
from services.kit.config import SERVICE_NAMES
from services.kit.openapi import OPENAPI_DIR

METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
GATEWAY_OWN = "gateway"
# Service paths the gateway deliberately does not expose, as (service, METHOD, path): none today.
NOT_EXPOSED: set[tuple[str, str, str]] = set()


@functools.lru_cache(maxsize=None)
def load(name: str) -> dict:
    return yaml.safe_load((OPENAPI_DIR / name).read_text())


GATEWAY = load("gateway.yaml")
SERVICE_SPECS = {service: load(f"{service}.yaml") for service in SERVICE_NAMES}


def gateway_operations():
    for path, item in GATEWAY["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def service_rules(service: str) -> dict[str, tuple[str, set[str]]]:
    """``{endpoint: (OpenAPI-style path, methods)}`` of a service's Flask blueprint."""
    app = Flask(f"check.{service}")
    for blueprint in catalog.service(service).blueprints():
        app.register_blueprint(blueprint)
    rules = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint != "static":
            path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
            rules[rule.endpoint] = (path, {m.lower() for m in rule.methods} - {"head", "options"})
    return rules


def test_the_gateway_serves_under_api_v1():
    assert [server["url"] for server in GATEWAY["servers"]] == ["/api/v1"]


def test_operation_ids_are_unique_and_name_their_owner():
    ids = [op["operationId"] for _path, _method, op in gateway_operations()]
    assert len(ids) == len(set(ids))
    for operation_id in ids:
        owner, dot, view = operation_id.partition(".")
        assert dot and view, f"{operation_id}: expected <owner>.<view>"
        assert owner in (*SERVICE_NAMES, GATEWAY_OWN), f"{operation_id}: {owner} is no service"


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_each_proxied_operation_is_a_documented_service_operation(service):
    rules = service_rules(service)
    documented = SERVICE_SPECS[service]["paths"]
    for path, method, operation in gateway_operations():
        owner, _, view = operation["operationId"].partition(".")
        if owner != service:
            continue
        # the Flask endpoint: ``<view>`` where the service's blueprints are by area (``schedule.live.post_now``
        # is the view ``post_now`` of schedule's blueprint ``live``), else ``<service>.<view>``
        endpoint = view if view in rules else f"{service}.{view}"
        assert endpoint in rules, f"{operation['operationId']}: the {service} service has no view {view!r}"
        rule_path, rule_methods = rules[endpoint]
        assert rule_path == path, f"{operation['operationId']}: gateway path {path}, service path {rule_path}"
        assert method in rule_methods, f"{operation['operationId']}: the view does not answer {method.upper()}"
        assert method in documented.get(path, {}), (
            f"{operation['operationId']}: {method.upper()} {path} is not in openapi/{service}.yaml")


def test_the_gateway_documents_every_status_its_services_answer():
    """A status a service documents for an operation reaches the client through the gateway: the
    public document must list it too (the gateway adds its own: 401, 403, 429 ...)."""
    missing = []
    for path, method, operation in gateway_operations():
        owner = operation["operationId"].partition(".")[0]
        if owner not in SERVICE_SPECS:
            continue
        upstream = SERVICE_SPECS[owner]["paths"].get(path, {}).get(method, {})
        lacking = {str(code) for code in upstream.get("responses", {})} - {str(c) for c in operation["responses"]}
        missing += [f"{method.upper()} {path}: {code}" for code in sorted(lacking)]
    assert not missing, "add to openapi/gateway.yaml: " + "; ".join(missing)


# One shared response per kind of refusal (components/responses); an operation refers to it.
KINDS = {"400": "BadRequest", "401": "Unauthorized", "403": "Forbidden", "404": "NotFound", "409": "Conflict",
         "410": "Gone", "412": "PreconditionFailed", "413": "PayloadTooLarge", "422": "UnprocessableContent",
         "429": "TooManyRequests", "503": "ServiceUnavailable"}
# The one-click pages answer their refusals as HTML pages (or problems when asked for JSON).
LINK_PAGES = {"/a/{token}", "/unsubscribe/{token}"}


def statuses_the_gateway_answers(path: str, operation: dict) -> set[str]:
    """What the gateway itself may answer for any operation, whatever the service says: 400 (the
    document's rules, unknown query parameters) and 429 (the rate limit) always; 401 and 403 where a
    token is needed or a role is named; 404 where the path names an object; 413 where a body is
    taken; 503 where a service answers behind it."""
    owner = operation["operationId"].partition(".")[0]
    expected = {"400", "429"}
    if operation.get("security") != []:
        expected.add("401")
    if operation.get("x-ptghub-roles") or owner == GATEWAY_OWN:
        expected.add("403")
    if "{" in path:
        expected.add("404")
    if "requestBody" in operation:
        expected.add("413")
    if owner in SERVICE_SPECS:
        expected.add("503")
    return expected


def test_every_operation_lists_the_statuses_the_gateway_itself_answers():
    missing = []
    for path, method, operation in gateway_operations():
        lacking = statuses_the_gateway_answers(path, operation) - {str(c) for c in operation["responses"]}
        missing += [f"{method.upper()} {path}: '{code}': {{$ref: '#/components/responses/{KINDS[code]}'}}"
                    for code in sorted(lacking)]
    assert not missing, "add to openapi/gateway.yaml:\n" + "\n".join(missing)


def test_every_refusal_refers_to_the_shared_response_of_its_kind():
    assert set(KINDS.values()) <= set(GATEWAY["components"]["responses"])
    wrong = []
    for path, method, operation in gateway_operations():
        for code, response in operation["responses"].items():
            code = str(code)
            if int(code) < 400:
                continue
            allowed = {f"#/components/responses/{KINDS.get(code, '?')}"}
            if path in LINK_PAGES:
                allowed.add("#/components/responses/LinkProblem")
            if response.get("$ref") not in allowed:
                wrong.append(f"{method.upper()} {path} {code}: {response} (use {sorted(allowed)[0]})")
    assert not wrong, "\n".join(wrong)


def test_too_many_requests_says_when_to_come_back():
    assert "Retry-After" in GATEWAY["components"]["responses"]["TooManyRequests"]["headers"]


def test_a_proxied_operation_takes_its_query_and_header_parameters_from_its_service():
    """No parameter written twice: the gateway refers to the service's (``<service>.yaml#/components/
    parameters/<view>.<name>``) and lists every one of them, so the document's list is what the
    service reads; a path's own parameters are the gateway's."""
    wrong = []
    for path, method, operation in gateway_operations():
        owner, _, view = operation["operationId"].partition(".")
        if owner not in SERVICE_SPECS:
            continue
        upstream = SERVICE_SPECS[owner]["paths"].get(path, {}).get(method, {})
        wanted = {f"{owner}.yaml{p['$ref']}" for p in upstream.get("parameters", []) if "$ref" in p}
        given = set()
        for parameter in operation.get("parameters", []):
            ref = parameter.get("$ref", "")
            if ref.startswith(f"{owner}.yaml#/components/parameters/"):
                given.add(ref)
            elif parameter.get("in") in ("query", "header"):
                wrong.append(f"{method.upper()} {path}: {parameter['name']} is written here; refer to {owner}.yaml's")
        wrong += [f"{method.upper()} {path}: add - {{$ref: '{ref}'}}" for ref in sorted(wanted - given)]
        wrong += [f"{method.upper()} {path}: {ref} is not this operation's" for ref in sorted(given - wanted)]
        for ref in given:
            key = ref.rpartition("/")[2]
            assert key.startswith((f"{view}.", f"{owner}.{view}.")), (
                f"{ref}: not a parameter of {operation['operationId']}")
    assert not wrong, "\n".join(wrong)


def test_the_document_states_the_query_parameter_policy():
    assert "any other is refused with a 400" in GATEWAY["info"]["description"]


def test_every_public_service_path_is_reachable_through_the_gateway():
    exposed = {(op["operationId"].partition(".")[0], method.upper(), path) for path, method, op in gateway_operations()}
    missing = []
    for service, spec in SERVICE_SPECS.items():
        for path, item in spec["paths"].items():
            for method in METHODS:
                key = (service, method.upper(), path)
                if method in item and key not in exposed and key not in NOT_EXPOSED:
                    missing.append(key)
    assert not missing, f"service operations the gateway does not expose (add them, or to NOT_EXPOSED): {missing}"
    assert not NOT_EXPOSED & exposed, "an operation listed as not exposed is exposed"


def test_every_reference_in_the_gateway_document_resolves():
    def refs(node):
        if isinstance(node, dict):
            if isinstance(node.get("$ref"), str):
                yield node["$ref"]
            for value in node.values():
                yield from refs(value)
        elif isinstance(node, list):
            for value in node:
                yield from refs(value)

    found = list(refs(GATEWAY))
    assert any(ref.startswith("schedule.yaml#") for ref in found)
    for ref in found:
        file, _, pointer = ref.partition("#")
        target = GATEWAY if not file else load(file)
        for part in pointer.removeprefix("/").split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            assert isinstance(target, dict) and part in target, f"{ref} does not resolve"
            target = target[part]


def test_the_gateway_app_loads_without_the_services(tmp_path, monkeypatch):
    monkeypatch.setenv("PTGHUB_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("PTGHUB_GATEWAY_DATABASE_URL", f"sqlite:///{tmp_path / 'gateway.db'}")
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        module = sys.modules.get("gateway.app") or importlib.import_module("gateway.app")
        app = module.create_app()
        client = app.test_client()
        assert client.get("/healthz").json() == {"status": "ok", "service": "gateway"}
        spec = client.get("/api/v1/openapi.json")
        assert spec.status_code == 200
        assert "/events" in spec.json()["paths"]
        refused = client.post("/api/v1/events", json={"slug": "denver"})
        assert refused.status_code == 401
        assert refused.headers["content-type"].startswith("application/problem+json")
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


def test_a_body_that_is_not_utf8_is_a_400_naming_the_body(tmp_path, monkeypatch):
    monkeypatch.setenv("PTGHUB_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("PTGHUB_GATEWAY_DATABASE_URL", f"sqlite:///{tmp_path / 'gateway.db'}")
    monkeypatch.setenv("PTGHUB_BOOTSTRAP_TOKEN", "ptg_unit-test-organiser")
    from starlette.testclient import TestClient

    from gateway import bootstrap
    from gateway.app import create_app
    from services.kit.manage import migrate

    migrate([catalog.gateway()])
    bootstrap.ensure_organiser_token()
    client = TestClient(create_app())
    response = client.post("/api/v1/tokens", content=b"*\xff(\xfe*b", headers={
        "Authorization": "Bearer ptg_unit-test-organiser", "Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json()["errors"] == {"body": ["Invalid UTF-8."]}


# -- tokens and methods through the gateway app itself (its own SQLite token store) -------------

ORGANISER_TOKEN = "ptg_unit-test-organiser"


@pytest.fixture
def gateway_client(tmp_path, monkeypatch):
    monkeypatch.setenv("PTGHUB_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("PTGHUB_GATEWAY_DATABASE_URL", f"sqlite:///{tmp_path / 'gateway.db'}")
    monkeypatch.setenv("PTGHUB_BOOTSTRAP_TOKEN", ORGANISER_TOKEN)
    from starlette.testclient import TestClient

    from gateway import bootstrap
    from gateway.app import create_app
    from services.kit.manage import migrate

    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    migrate([catalog.gateway()])
    bootstrap.ensure_organiser_token()
    client = TestClient(create_app())
    client.headers["Authorization"] = f"Bearer {ORGANISER_TOKEN}"
    yield client
    root.handlers[:] = handlers
    root.setLevel(level)


def test_a_chair_token_needs_event_and_track_pairs(gateway_client):
    missing = gateway_client.post("/api/v1/tokens", json={"name": "kolla chairs", "role": "chair"})
    assert missing.status_code == 422 and missing.headers["content-type"] == "application/problem+json"
    assert set(missing.json()["errors"]) == {"tracks"}
    slugs = gateway_client.post("/api/v1/tokens", json={"name": "kolla chairs", "role": "chair", "tracks": ["kolla"]})
    assert slugs.status_code == 400 and list(slugs.json()["errors"]) == ["tracks.0"]
    issued = gateway_client.post("/api/v1/tokens", json={"name": "kolla chairs", "role": "chair",
                                                         "tracks": [{"event": "denver", "track": "kolla"}]})
    assert issued.status_code == 201, issued.text
    assert issued.json()["tracks"] == [{"event": "denver", "track": "kolla"}]


def test_the_last_organiser_token_is_kept_and_no_token_revokes_itself(gateway_client):
    (me,) = gateway_client.get("/api/v1/tokens").json()["items"]
    kept = gateway_client.delete(f"/api/v1/tokens/{me['id']}")
    assert kept.status_code == 409 and kept.headers["content-type"] == "application/problem+json"
    assert "last active organiser" in kept.json()["detail"] and set(kept.json()["errors"]) == {"token_id"}
    other = gateway_client.post("/api/v1/tokens", json={"name": "second organiser", "role": "organiser"})
    itself = gateway_client.delete(f"/api/v1/tokens/{me['id']}")
    assert itself.status_code == 409 and "does not revoke itself" in itself.json()["detail"]
    assert set(itself.json()["errors"]) == {"token_id"}
    second = {"Authorization": f"Bearer {other.json()['token']}"}
    assert gateway_client.delete(f"/api/v1/tokens/{me['id']}", headers=second).status_code == 204
    assert gateway_client.get("/api/v1/tokens").status_code == 401, "the revoked token works no more"
    assert gateway_client.delete(f"/api/v1/tokens/{me['id']}", headers=second).status_code == 404


@pytest.mark.parametrize("method, path, allow", [
    ("PUT", "/api/v1/events/denver", "DELETE, GET, HEAD, OPTIONS, PATCH"),
    ("GET", "/api/v1/actions/bulk", "OPTIONS, POST"),  # the literal path, not /actions/{action_id}
    ("DELETE", "/api/v1/events", "GET, HEAD, OPTIONS, POST"),
    ("PATCH", "/api/v1/tokens", "GET, HEAD, OPTIONS, POST"),
    ("GET", "/api/v1/tokens/some-id", "DELETE, OPTIONS"),
])
def test_a_method_the_path_lacks_is_a_405_with_the_methods_of_the_document(gateway_client, method, path, allow):
    response = gateway_client.request(method, path)
    assert response.status_code == 405
    assert response.headers["allow"] == allow
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"] == {"method": [f"one of {allow}"]}


def test_options_lists_the_methods_of_every_path():
    from gateway.app import BASE_PATH, AllowedMethodsMiddleware, methods_by_path

    middleware = AllowedMethodsMiddleware(None, methods_by_path())
    for path, item in GATEWAY["paths"].items():
        concrete = BASE_PATH + re.sub(r"\{[^}]+\}", "x1", path)
        allowed = middleware.allowed(concrete)
        defined = {m.upper() for m in METHODS if m in item}
        assert defined | {"OPTIONS"} <= allowed, path
        assert ("HEAD" in allowed) == ("GET" in allowed or "HEAD" in defined), path


def test_an_unknown_query_parameter_is_a_400_naming_it(gateway_client):
    response = gateway_client.get("/api/v1/events", params={"limit": "5", "colour": "red", "bogus": "1"})
    assert response.status_code == 400 and response.headers["content-type"] == "application/problem+json"
    assert set(response.json()["errors"]) == {"bogus", "colour"}
    assert "this operation accepts: limit, cursor" in response.json()["detail"]


def test_a_json_null_body_is_checked_against_the_schema_not_taken_for_none(gateway_client):
    response = gateway_client.post("/api/v1/tokens", content=b"null", headers={"Content-Type": "application/json"})
    assert response.status_code == 400 and list(response.json()["errors"]) == ["body"]


def test_options_answers_without_a_token(gateway_client):
    response = gateway_client.options("/api/v1/events", headers={"Authorization": ""})
    assert response.status_code == 204 and response.headers["allow"] == "GET, HEAD, OPTIONS, POST"
    assert gateway_client.options("/api/v1/events/denver").headers["allow"] == "DELETE, GET, HEAD, OPTIONS, PATCH"


def test_the_gateway_worker_is_the_relay_alone_and_never_loads_the_app(tmp_path, monkeypatch):
    probe = ("import sys, gateway.worker; from services.kit.service import build_worker; "
             "from gateway.descriptor import DESCRIPTOR; "
             "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'connexion') or m == 'gateway.app'); "
             "print(loaded); sys.exit(1 if loaded else 0)")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, f"the gateway worker imports {result.stdout.strip()} {result.stderr[-1000:]}"
    from gateway.descriptor import DESCRIPTOR
    from services.kit.service import build_worker

    monkeypatch.setenv("PTGHUB_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("PTGHUB_GATEWAY_DATABASE_URL", f"sqlite:///{tmp_path / 'gateway.db'}")
    worker = build_worker(DESCRIPTOR)
    try:
        assert [name for name, _loop in worker.loops()] == ["relay"]
        assert worker.database.outbox is not None
    finally:
        worker.database.dispose()
