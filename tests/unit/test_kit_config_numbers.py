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


def number(positive):
    return lambda: config.number("SOME_SETTING", 1.0, positive=positive)


def count(minimum):
    return lambda: config.count("SOME_SETTING", 5, minimum=minimum)


@pytest.mark.parametrize("read, value, accepted", [
    (number(False), "0", 0.0), (number(True), "0", None), (number(False), "1e3", 1000.0), (number(False), "-1", None),
    (number(False), "inf", None), (number(False), "nan", None), (number(False), "ten", None),
    (number(False), "0x10", None),
    (count(0), "0", 0), (count(1), "0", None), (count(1), "12", 12), (count(1), "1.5", None), (count(0), "-3", None),
    (count(1), "many", None),
])
def test_a_setting_is_its_number_or_refused_naming_it(monkeypatch, read, value, accepted):
    monkeypatch.setenv("PTGHUB_SOME_SETTING", value)
    if accepted is None:
        with pytest.raises(config.SettingError, match=f"PTGHUB_SOME_SETTING must be .*, not {value!r}"):
            read()
    else:
        assert read() == accepted
