"""Each service under test: its own PostgreSQL database (migrated), its api (Flask test client)
and its worker threads, on this run's broker namespace."""
from pathlib import Path

import pytest

from services.kit import migrations
from services.kit.service import build_worker, service_app

pytestmark = pytest.mark.integration


class RunningService:
    def __init__(self, infra, service: str, metadata, blueprints, subscriptions, timers=None, **overrides):
        import importlib

        package = importlib.import_module(f"services.{service}")
        self.settings = infra.settings(service, infra.database_url(service), **overrides)
        migrations.upgrade(Path(package.__file__).parent, self.settings.database_url)
        self.app = service_app(service, metadata, blueprints, settings=self.settings)
        self.client = self.app.test_client()
        self.worker = build_worker(service, metadata, subscriptions, timers, settings=self.settings)
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
    started = []

    def start(*args, **kwargs):
        running = RunningService(infra, *args, **kwargs)
        started.append(running)
        return running

    yield start
    for running in started:
        running.stop()
