import json

import pytest


from .infra import EventProbe, Infrastructure


@pytest.fixture(scope="session")
def infra():
    infrastructure = Infrastructure()
    yield infrastructure
    infrastructure.close()


@pytest.fixture
def probe(infra):
    listener = EventProbe(infra.amqp_url, infra.exchange)
    yield listener
    listener.close()


def principal_header(role: str = "organiser", tracks=(), sub: str = "tester") -> dict:
    return {"X-Ptghub-Principal": json.dumps({"sub": sub, "role": role, "tracks": list(tracks)})}


ORGANISER = principal_header()
