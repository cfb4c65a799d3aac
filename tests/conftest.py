import os
import secrets
from collections.abc import Mapping

import pytest

# One internal key for the whole run: the services verify what the tests sign, and the processes
# the e2e tests start inherit it.
os.environ.setdefault("PTGHUB_INTERNAL_KEY", secrets.token_urlsafe(32))

from services.kit import config, identity  # noqa: E402

from .infra import EventProbe, Infrastructure  # noqa: E402


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


class SignedPrincipal(Mapping):
    """Headers carrying ``principal`` as the gateway would sign it, signed afresh at each use
    (a signature lives a minute; a module-level constant outlives that)."""

    def __init__(self, principal: dict):
        self.principal = principal

    def __getitem__(self, name: str) -> str:
        if name != identity.HEADER:
            raise KeyError(name)
        return identity.sign(self.principal, audience=config.SERVICE_NAMES)

    def __iter__(self):
        return iter((identity.HEADER,))

    def __len__(self) -> int:
        return 1

    def __or__(self, other: Mapping) -> dict:
        return {**dict(self), **other}


def principal_header(role: str = "organiser", tracks=(), sub: str = "tester", name: str | None = None,
                     **claims) -> SignedPrincipal:
    """``tracks``: the (event, track) pairs a chair chairs, as tuples or ``{"event", "track"}``."""
    pairs = [pair if isinstance(pair, dict) else {"event": pair[0], "track": pair[1]} for pair in tracks]
    for pair in pairs:
        if not isinstance(pair.get("event"), str):
            raise TypeError(f"a chair's track needs its event: {pair!r}")
    return SignedPrincipal({"sub": sub, "name": name or sub, "role": role, "tracks": pairs, **claims})


ORGANISER = principal_header()
PUBLIC = principal_header("public", sub="anonymous")
