"""Configuration from ``PTGHUB_*`` environment variables, each with a working default.

The defaults are the embedded set-up ``make run`` uses: SQLite files under ``var/`` and the
RabbitMQ on localhost. Production sets the URLs explicitly (see docs/configuration.md).
"""
from __future__ import annotations

import math
import os
import sys
from dataclasses import dataclass
from pathlib import Path

SERVICE_NAMES = ("schedule", "notes", "actions", "notify")
DEFAULT_PORTS = {"gateway": 8080, "schedule": 8081, "notes": 8082, "actions": 8083, "notify": 8084}


def env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(f"PTGHUB_{name}")
    return value if value not in (None, "") else default


class SettingError(ValueError):
    """A ``PTGHUB_*`` variable whose value cannot be used: the process does not start."""


def number(name: str, default: float, *, positive: bool = False, what: str = "a number of seconds") -> float:
    """``PTGHUB_<name>`` as a finite number >= 0 (> 0 when ``positive``), ``default`` when unset; any
    other value stops the start with a :class:`SettingError` naming the variable."""
    raw = env(name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or not (value > 0 if positive else value >= 0):
        raise SettingError(f"PTGHUB_{name} must be {'> 0' if positive else '>= 0'} ({what}), not {raw!r}")
    return value


def count(name: str, default: int, *, minimum: int = 1) -> int:
    """``PTGHUB_<name>`` as a whole number >= ``minimum``, ``default`` when unset; any other value
    stops the start with a :class:`SettingError` naming the variable."""
    raw = env(name)
    if raw is None:
        return default
    if not raw.strip().isdigit() or int(raw) < minimum:
        raise SettingError(f"PTGHUB_{name} must be a whole number >= {minimum}, not {raw!r}")
    return int(raw)


def var_dir() -> Path:
    path = Path(env("VAR_DIR", "var")).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


# A worker's thread the GIL is handed to waits, at worst, this long for the running one to let go.
# Python's default, 5 ms, is paid at each hop of the event path inside a worker (consumer thread ->
# delivery loop -> its HTTP loop -> the thread that records the outcome): at 50 session changes per
# second it made the median session -> webhook several times slower (bench/latency.py). The api
# processes keep Python's default: their threads mostly wait on the database, and a shorter
# interval there only made them trade the GIL more often.
DEFAULT_SWITCH_INTERVAL = 0.0005


@dataclass(frozen=True)
class Settings:
    service: str
    database_url: str
    amqp_url: str
    exchange: str
    queue_prefix: str
    port: int
    relay_interval: float
    delivery_limit: int
    log_level: str
    wake: bool = True  # ring the loops when there is work (PTGHUB_WAKE=off: they only poll)
    switch_interval: float = DEFAULT_SWITCH_INTERVAL  # a worker's GIL switch interval, s (PTGHUB_SWITCH_INTERVAL)

    @property
    def queue_name(self) -> str:
        return f"{self.queue_prefix}.{self.service}"

    @property
    def dead_letter_exchange(self) -> str:
        return f"{self.exchange}.dead"

    @property
    def dead_letter_queue(self) -> str:
        return f"{self.queue_name}.dead"


def database_url(service: str) -> str:
    return env(f"{service.upper()}_DATABASE_URL") or f"sqlite:///{var_dir() / (service + '.db')}"


def service_port(service: str) -> int:
    return int(env(f"{service.upper()}_PORT", str(DEFAULT_PORTS[service])))


def service_url(service: str) -> str:
    """Where the gateway (and tests) reach a service's internal HTTP API."""
    return env(f"{service.upper()}_URL") or f"http://127.0.0.1:{service_port(service)}"


def load(service: str) -> Settings:
    return Settings(
        service=service,
        database_url=database_url(service),
        amqp_url=env("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2F"),
        exchange=env("EXCHANGE", "ptghub.events"),
        queue_prefix=env("QUEUE_PREFIX", "ptghub"),
        port=service_port(service),
        relay_interval=number("RELAY_INTERVAL", 0.25, positive=True),
        delivery_limit=count("DELIVERY_LIMIT", 5),
        log_level=env("LOG_LEVEL", "INFO"),
        wake=env("WAKE", "on").lower() not in ("off", "0", "false", "no"),
        switch_interval=number("SWITCH_INTERVAL", DEFAULT_SWITCH_INTERVAL, positive=True),
    )


def apply_switch_interval(settings: Settings) -> None:
    """Set the process's GIL switch interval (``sys.setswitchinterval``) from ``settings``; each
    service's worker process calls this once at start."""
    if settings.switch_interval <= 0:
        raise ValueError(f"PTGHUB_SWITCH_INTERVAL must be > 0 seconds, not {settings.switch_interval}")
    sys.setswitchinterval(settings.switch_interval)


def public_url() -> str:
    """Where people reach ptghub from outside (the gateway): ``PTGHUB_PUBLIC_URL``, else the local gateway.

    Links in mail (one-click actions, unsubscribe) are built on it; no trailing slash.
    """
    return (env("PUBLIC_URL") or f"http://127.0.0.1:{service_port('gateway')}").rstrip("/")
