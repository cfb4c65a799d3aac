"""The kit's numeric settings (``config.number``, ``config.count``): read under their names, and a
value that is no number, not finite or out of range refused at start, naming its variable."""
import pytest

from services.kit import config


def test_the_kits_numbers_are_read_and_checked_when_the_settings_load(monkeypatch):
    monkeypatch.setenv("PTGHUB_RELAY_INTERVAL", "0.05")
    monkeypatch.setenv("PTGHUB_DELIVERY_LIMIT", " 7")
    settings = config.load("schedule")
    assert settings.relay_interval == 0.05 and settings.delivery_limit == 7
    monkeypatch.setenv("PTGHUB_RELAY_INTERVAL", "0")
    with pytest.raises(config.SettingError, match=r"PTGHUB_RELAY_INTERVAL must be > 0 \(a number of seconds\), not '0'"):
        config.load("schedule")


@pytest.mark.parametrize("value", ["", None])
def test_unset_or_empty_is_the_default(monkeypatch, value):
    if value is None:
        monkeypatch.delenv("PTGHUB_SOME_NUMBER", raising=False)
    else:
        monkeypatch.setenv("PTGHUB_SOME_NUMBER", value)
    assert config.number("SOME_NUMBER", 2.5) == 2.5 and config.count("SOME_NUMBER", 3) == 3


@pytest.mark.parametrize("value, positive, accepted", [
    ("0", False, 0.0), ("0", True, None), ("1e3", False, 1000.0), ("-1", False, None), ("inf", False, None),
    ("nan", False, None), ("ten", False, None), ("0x10", False, None),
])
def test_number(monkeypatch, value, positive, accepted):
    monkeypatch.setenv("PTGHUB_SOME_NUMBER", value)
    if accepted is None:
        with pytest.raises(config.SettingError, match=f"PTGHUB_SOME_NUMBER must be .*{value!r}"):
            config.number("SOME_NUMBER", 1.0, positive=positive)
    else:
        assert config.number("SOME_NUMBER", 1.0, positive=positive) == accepted


@pytest.mark.parametrize("value, minimum, accepted", [
    ("0", 0, 0), ("0", 1, None), ("12", 1, 12), ("1.5", 1, None), ("-3", 0, None), ("many", 1, None),
])
def test_count(monkeypatch, value, minimum, accepted):
    monkeypatch.setenv("PTGHUB_SOME_COUNT", value)
    if accepted is None:
        with pytest.raises(config.SettingError, match=f"PTGHUB_SOME_COUNT must be a whole number >= {minimum}"):
            config.count("SOME_COUNT", 5, minimum=minimum)
    else:
        assert config.count("SOME_COUNT", 5, minimum=minimum) == accepted
