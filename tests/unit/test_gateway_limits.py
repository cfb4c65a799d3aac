"""The gateway's token buckets and limits (gateway/limits.py, gateway/roles.py): pure parts."""
import pytest

from gateway import limits, roles
from gateway.app import SPEC
from services.kit import config


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_a_bucket_serves_its_burst_then_the_rate():
    clock = Clock()
    buckets = limits.TokenBuckets(rate=2, burst=3, clock=clock)
    assert [buckets.take("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert buckets.take("a") == pytest.approx(0.5), "one more in half a second at 2/s"
    assert buckets.take("b") == 0.0, "each key its own bucket"
    clock.now += 0.5
    assert buckets.take("a") == 0.0
    clock.now += 100
    assert [buckets.take("a") for _ in range(4)][-1] > 0, "refilled to the burst, never beyond"


def test_full_buckets_are_forgotten_when_there_are_too_many(monkeypatch):
    monkeypatch.setattr(limits, "MAX_BUCKETS", 3)
    clock = Clock()
    buckets = limits.TokenBuckets(rate=1, burst=2, clock=clock)
    for key in "abc":
        buckets.take(key)
    clock.now += 10
    buckets.take("d")
    assert set(buckets._buckets) == {"d"}


def test_the_defaults_and_a_bad_setting(monkeypatch):
    for name in ("RATE_LIMIT", "RATE_BURST", "MAX_BODY"):
        monkeypatch.delenv(f"PTGHUB_{name}", raising=False)
    assert limits.Limits.from_environment() == limits.Limits(rate=200, burst=1000, max_body=10 * 1024 * 1024)
    monkeypatch.setenv("PTGHUB_RATE_LIMIT", "lots")
    with pytest.raises(config.SettingError, match="PTGHUB_RATE_LIMIT"):
        limits.Limits.from_environment()


def test_the_refusals_are_problems_naming_what_was_over():
    start, body = limits.too_many(0.2, "token")
    assert start["status"] == 429 and (b"retry-after", b"1") in start["headers"]
    assert b'"rate"' in body["body"]
    start, body = limits.too_large(4096)
    assert start["status"] == 413 and b"4096" in body["body"] and b'"body"' in body["body"]


def test_every_operation_naming_roles_is_refused_before_validation():
    table = roles.roles_by_operation(SPEC)
    assert table["gateway.create_token"] == ["organiser"]
    assert "reader" in table["actions.people.list_people"]
    assert not any("reader" in admitted for operation, admitted in table.items()
                   if not operation.split(".")[-1].startswith(("list_", "get_", "preview_"))), \
        "a reader is admitted on reads only"
