"""Each service under test: its own PostgreSQL database (migrated), its api (Flask test client)
and its worker threads, on this run's broker namespace; started from the service's descriptor."""
from dataclasses import replace

import pytest
from flask.testing import FlaskClient

from services.kit import identity, migrations
from services.kit.descriptor import ServiceDescriptor
from services.kit.service import build_worker
from services.kit.web import service_app

from ..conftest import PUBLIC

pytestmark = pytest.mark.integration


class GatewayLikeClient(FlaskClient):
    """A test client that, like the gateway, always sends a signed principal: the public one
    unless the test gives its own."""

    def open(self, *args, **kwargs):
        headers = dict(kwargs.pop("headers", None) or {})
        if identity.HEADER not in headers:
            headers.update(PUBLIC)
        return super().open(*args, headers=headers, **kwargs)


class RunningService:
    def __init__(self, infra, descriptor: ServiceDescriptor, **overrides):
        self.settings = infra.settings(descriptor.name, infra.database_url(descriptor.name), **overrides)
        migrations.upgrade(descriptor.package_dir, self.settings.database_url)
        self.app = service_app(descriptor, settings=self.settings)
        self.app.test_client_class = GatewayLikeClient
        self.client = self.app.test_client()
        self.worker = build_worker(descriptor, settings=self.settings)
        self.database = self.worker.database
        self.threads = self.worker.start()
        if self.worker.consumer is not None:
            assert self.worker.consumer.connected.wait(10), "consumer did not connect"

    def stop(self):
        self.worker.stop.set()
        for thread in self.threads:
            thread.join(timeout=5)
        self.database.dispose()
        self.app.extensions["database"].dispose()


@pytest.fixture
def start_service(infra):
    """``start_service(DESCRIPTOR, timers=..., **settings)``: one service, stopped after the test.
    ``timers`` replaces the descriptor's (a faster clock, say)."""
    started = []

    def start(descriptor: ServiceDescriptor, timers=None, **overrides):
        if timers is not None:
            descriptor = replace(descriptor, timers=timers)
        running = RunningService(infra, descriptor, **overrides)
        started.append(running)
        return running

    yield start
    for running in started:
        running.stop()
