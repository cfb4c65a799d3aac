"""Notify's settings from the environment: each read under its name, and a value that is no number,
or out of range, refused at start naming its variable."""
from datetime import timedelta

import pytest

from services.notify import config


def test_the_rotation_grace_and_the_other_numbers_are_read_from_their_variables(monkeypatch):
    monkeypatch.setenv("PTGHUB_WEBHOOK_ROTATION_GRACE", "90")
    monkeypatch.setenv("PTGHUB_MAIL_ROUTE_WAIT", "0")
    monkeypatch.setenv("PTGHUB_WEBHOOK_RETRY_SCALE", "0.01")
    monkeypatch.setenv("PTGHUB_DNS_TIMEOUT", "1.5")
    monkeypatch.setenv("PTGHUB_WEBHOOK_ENDPOINT_CONCURRENCY", "2")
    settings = config.load()
    assert settings.webhook_rotation_grace == timedelta(seconds=90)
    assert settings.route_wait == timedelta(0)
    assert settings.webhook_retry_scale == 0.01 and settings.dns_timeout == 1.5
    assert settings.webhook_endpoint_concurrency == 2


def test_unset_or_empty_variables_keep_the_defaults(monkeypatch):
    monkeypatch.delenv("PTGHUB_WEBHOOK_ROTATION_GRACE", raising=False)
    monkeypatch.setenv("PTGHUB_SMTP_TIMEOUT", "")
    settings = config.load()
    assert settings.webhook_rotation_grace == timedelta(hours=24)
    assert settings.smtp_timeout == config.NotifySettings().smtp_timeout


@pytest.mark.parametrize("name, value", [
    ("WEBHOOK_ROTATION_GRACE", "a day"),
    ("WEBHOOK_ROTATION_GRACE", "-1"),
    ("WEBHOOK_ROTATION_GRACE", "inf"),
    ("WEBHOOK_TIMEOUT", "0"),
    ("DELIVERY_INTERVAL", "nan"),
    ("MAIL_RETRY_SCALE", "-0.5"),
    ("WEBHOOK_CONCURRENCY", "0"),
    ("WEBHOOK_ENDPOINT_CONCURRENCY", "2.5"),
])
def test_a_bad_number_stops_the_start_naming_its_variable(monkeypatch, name, value):
    monkeypatch.setenv(f"PTGHUB_{name}", value)
    with pytest.raises(ValueError, match=f"PTGHUB_{name} must be .*{value!r}"):
        config.load()
