"""services.kit.identity: the principal the gateway signs per service, and the key it signs with."""
import json
import multiprocessing
import os
import stat
import time

import jwt
import pytest

from services.kit import identity
from services.kit.problems import Unauthorized

KEY = b"k" * 48
ORGANISER = {"sub": "token-1", "name": "ttx", "role": "organiser", "tracks": []}
CHAIR = {"sub": "token-2", "name": "kolla chairs", "role": "chair",
         "tracks": [{"event": "denver", "track": "kolla"}]}


def refused(header, audience="schedule", key=KEY) -> dict:
    with pytest.raises(Unauthorized) as caught:
        identity.verify(header, audience=audience, key=key)
    problem = caught.value
    assert problem.status == 401
    return problem.to_dict()


def test_a_signed_principal_verifies_for_its_audience():
    header = identity.sign(CHAIR, audience="schedule", key=KEY)
    assert identity.verify(header, audience="schedule", key=KEY) == CHAIR


def test_only_the_principal_claims_are_passed_on():
    header = identity.sign({**ORGANISER, "password": "x", "relay": True}, audience="notes", key=KEY)
    principal = identity.verify(header, audience="notes", key=KEY)
    assert principal == {**ORGANISER, "relay": True}
    claims = jwt.decode(header, KEY, algorithms=["HS256"], audience="notes")
    assert claims["iss"] == identity.ISSUER and claims["exp"] - claims["iat"] == identity.TTL_SECONDS


def test_one_statement_may_name_several_audiences():
    header = identity.sign(ORGANISER, audience=("schedule", "notes"), key=KEY)
    assert identity.verify(header, audience="notes", key=KEY)["sub"] == "token-1"
    refused(header, audience="notify")


def test_a_missing_header_is_refused():
    assert refused(None)["errors"] == {identity.HEADER: ["missing"]}
    refused("")


def test_an_unsigned_json_principal_is_refused():
    refused(json.dumps(ORGANISER))


def test_a_principal_signed_with_another_key_is_refused():
    refused(identity.sign(ORGANISER, audience="schedule", key=b"another key" * 4))


def test_a_tampered_principal_is_refused():
    header, payload, signature = identity.sign(CHAIR, audience="schedule", key=KEY).split(".")
    forged = jwt.utils.base64url_encode(json.dumps(
        {**jwt.decode(".".join((header, payload, signature)), KEY, algorithms=["HS256"], audience="schedule"),
         "role": "organiser"}).encode()).decode()
    refused(".".join((header, forged, signature)))


def test_an_unsigned_jwt_is_refused():
    claims = {**ORGANISER, "iss": identity.ISSUER, "aud": "schedule", "iat": int(time.time()),
              "exp": int(time.time()) + 60}
    refused(jwt.encode(claims, None, algorithm="none"))


def test_an_expired_principal_is_refused():
    problem = refused(identity.sign(ORGANISER, audience="schedule", key=KEY, ttl=-(identity.LEEWAY_SECONDS + 5)))
    assert problem["errors"] == {identity.HEADER: ["expired"]}


def test_a_principal_for_another_service_is_refused():
    refused(identity.sign(ORGANISER, audience="notes", key=KEY), audience="schedule")


def test_a_principal_from_another_issuer_is_refused():
    now = int(time.time())
    claims = {**ORGANISER, "iss": "somebody", "aud": "schedule", "iat": now, "exp": now + 60}
    refused(jwt.encode(claims, KEY, algorithm="HS256"))


def test_a_principal_without_a_subject_is_refused():
    refused(identity.sign({"role": "organiser"}, audience="schedule", key=KEY))


# -- the key ------------------------------------------------------------------------------------

@pytest.fixture
def no_key_in_env(monkeypatch, tmp_path):
    monkeypatch.delenv("PTGHUB_INTERNAL_KEY", raising=False)
    monkeypatch.setenv("PTGHUB_VAR_DIR", str(tmp_path))
    identity.internal_key.cache_clear()
    yield tmp_path
    identity.internal_key.cache_clear()


def test_the_key_comes_from_the_environment_first(monkeypatch):
    monkeypatch.setenv("PTGHUB_INTERNAL_KEY", "from-the-environment")
    identity.internal_key.cache_clear()
    try:
        assert identity.internal_key() == b"from-the-environment"
    finally:
        identity.internal_key.cache_clear()


def test_without_one_a_key_is_generated_under_var_once(no_key_in_env):
    key = identity.internal_key()
    path = no_key_in_env / identity.KEY_FILE
    assert len(key) >= 32 and path.read_text().strip().encode() == key
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    identity.internal_key.cache_clear()
    assert identity.internal_key() == key, "the second process reads the same key"


def _read_key(var_dir: str, queue) -> None:
    os.environ.pop("PTGHUB_INTERNAL_KEY", None)
    os.environ["PTGHUB_VAR_DIR"] = var_dir
    identity.internal_key.cache_clear()
    queue.put(identity.internal_key())


def test_processes_starting_at_once_share_one_key(no_key_in_env):
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    processes = [context.Process(target=_read_key, args=(str(no_key_in_env), queue)) for _ in range(4)]
    for process in processes:
        process.start()
    keys = {queue.get(timeout=60) for _ in processes}
    for process in processes:
        process.join(30)
    assert len(keys) == 1


def test_an_empty_key_file_is_a_clear_error(no_key_in_env):
    (no_key_in_env / identity.KEY_FILE).write_text("")
    with pytest.raises(RuntimeError, match="PTGHUB_INTERNAL_KEY"):
        identity.internal_key()
