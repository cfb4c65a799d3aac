"""The gateway serves the one-click link pages without a login and passes them on as they are: a
form body as a form, the HTML answer with its type and its page headers. The
upstream is a real HTTP server on loopback standing in for the actions service."""
from __future__ import annotations

import logging
import threading
from urllib.parse import parse_qs
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from services import catalog
from services.kit import identity

TOKEN = ".eJyrVspXslJKyc9LVdJRKgAyCwyBjEQgIxHEyAJJlhtmlUdGukSVpumamiQbAYVLlKwMzS3NDM2M.8rPIlnbTl1rgG5CstQsTQqgMhRo"


class Upstream:
    def __init__(self):
        self.requests: list[dict] = []
        upstream = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                body = self.rfile.read(int(self.headers.get("content-length", 0) or 0))
                upstream.requests.append({"method": self.command, "path": self.path, "body": body,
                                          "headers": {k.lower(): v for k, v in self.headers.items()}})
                page = b"<!DOCTYPE html><p>Mark this item done?</p>"
                self.send_response(200)
                self.send_header("content-type", "text/html; charset=utf-8")
                self.send_header("content-security-policy", "default-src 'none'")
                self.send_header("referrer-policy", "no-referrer")
                self.send_header("cache-control", "no-store")
                self.send_header("content-length", str(len(page)))
                self.end_headers()
                self.wfile.write(page)

            do_GET = do_POST = _answer

            def log_message(self, *_args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture(scope="module")
def upstream_server():
    server = Upstream()
    yield server
    server.server.shutdown()


@pytest.fixture
def upstream(upstream_server):
    upstream_server.requests.clear()
    return upstream_server


@pytest.fixture(scope="module")
def client(tmp_path_factory, upstream_server):
    """One gateway app for the module (building one takes seconds)."""
    tmp_path = tmp_path_factory.mktemp("gateway-links")
    from starlette.testclient import TestClient

    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("PTGHUB_VAR_DIR", str(tmp_path))
        monkeypatch.setenv("PTGHUB_GATEWAY_DATABASE_URL", f"sqlite:///{tmp_path / 'gateway.db'}")
        monkeypatch.setenv("PTGHUB_ACTIONS_URL", upstream_server.url)
        monkeypatch.setenv("PTGHUB_INTERNAL_KEY", "gateway-links-test-key-of-32-bytes-at-least")
        identity.internal_key.cache_clear()
        from gateway.app import create_app
        from services.kit.manage import migrate

        migrate([catalog.gateway()])
        with TestClient(create_app()) as client:  # one event loop for all requests (the upstream session lives on it)
            yield client
        root.handlers[:] = handlers
        root.setLevel(level)
    identity.internal_key.cache_clear()


def test_the_link_page_is_served_without_a_login_as_html(client, upstream):
    response = client.get(f"/api/v1/a/{TOKEN}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["content-security-policy"] == "default-src 'none'"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert "Mark this item done?" in response.text
    (seen,) = upstream.requests
    assert seen["path"] == f"/a/{TOKEN}"
    principal = identity.verify(seen["headers"]["x-ptghub-principal"], audience="actions")
    assert principal["role"] == "public"


@pytest.mark.parametrize("path, body", [
    (f"/api/v1/unsubscribe/{TOKEN}", b"List-Unsubscribe=One-Click"),
    (f"/api/v1/a/{TOKEN}", b"confirm=done&from=a+mail+client"),
])
def test_a_form_post_reaches_the_service_as_a_form(client, upstream, path, body):
    response = client.post(path, content=body, headers={"content-type": "application/x-www-form-urlencoded"})
    assert response.status_code == 200, response.text
    (seen,) = upstream.requests
    assert seen["method"] == "POST" and parse_qs(seen["body"]) == parse_qs(body)
    assert seen["headers"]["content-type"] == "application/x-www-form-urlencoded"
    assert identity.verify(seen["headers"]["x-ptghub-principal"], audience="actions")["role"] == "public"


def test_an_empty_post_asking_for_json_passes_too(client, upstream):
    response = client.post(f"/api/v1/a/{TOKEN}", headers={"accept": "application/json"})
    assert response.status_code == 200
    (seen,) = upstream.requests
    assert seen["body"] in (b"", b"{}") and seen["headers"]["accept"] == "application/json"


def test_a_bearer_token_is_not_needed_nor_checked_there(client, upstream):
    response = client.get(f"/api/v1/a/{TOKEN}", headers={"Authorization": "Bearer not-a-token"})
    assert response.status_code == 200
    assert identity.verify(upstream.requests[0]["headers"]["x-ptghub-principal"], audience="actions")["role"] == "public"
