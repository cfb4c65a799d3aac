"""``python -m gateway.bootstrap``: migrate the gateway database and make sure an organiser token exists.

Idempotent: run it at every start, as often as you like; it says what it did.

- ``PTGHUB_BOOTSTRAP_TOKEN`` set: that exact token is an active organiser token afterwards. Not
  there yet: issued. There: already active. Revoked since: reinstated (the variable says it is
  the organiser token; unset or change the variable to retire it for good). A secret that is
  already another role's token is left as it is, never promoted, and the run goes on as if the
  variable were unset.
- Unset: the token generated on first start is kept in ``var/organiser-token`` (mode 0600) and
  shown again while it is active; once another organiser token exists, nothing is generated.

Also names the chair tokens issued before chair scope was per event (they grant nothing; re-issue
them). Never a traceback: an unreachable database is one clear line and exit status 1.
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field

import sqlalchemy as sa

from services.kit import config
from services.kit.db import Database
from services.kit.manage import migrate
from services.kit.service import database as service_database

from . import tokens
from .descriptor import DESCRIPTOR

TOKEN_FILE = "organiser-token"


@dataclass
class Bootstrapped:
    """What the bootstrap did: ``lines`` to print, the last one ``organiser token: ...``."""

    token: str | None = None
    lines: list[str] = field(default_factory=list)


def from_variable(database: Database, token: str, report: Bootstrapped) -> bool:
    """The token of PTGHUB_BOOTSTRAP_TOKEN; False when it is another role's token (not used)."""
    outcome, row = tokens.ensure_bootstrap_token(database, token)
    if outcome == tokens.NOT_AN_ORGANISER:
        report.lines.append(
            f"PTGHUB_BOOTSTRAP_TOKEN is the {row.role} token {row.name!r} (id {row.id}), not an organiser's: "
            "left as it is; give PTGHUB_BOOTSTRAP_TOKEN another value")
        return False
    if outcome == tokens.REINSTATED:
        report.lines.append("organiser token from PTGHUB_BOOTSTRAP_TOKEN was revoked; reinstated "
                            "(unset PTGHUB_BOOTSTRAP_TOKEN to retire it for good)")
    else:
        report.lines.append(f"organiser token from PTGHUB_BOOTSTRAP_TOKEN: {outcome}")
    report.token = token
    return True


def generated(database: Database, report: Bootstrapped) -> None:
    """The organiser token kept under var/, generated when no organiser token is active."""
    token_file = config.var_dir() / TOKEN_FILE
    if token_file.exists():
        saved = token_file.read_text().strip()
        if saved and tokens.find(database, saved) is not None:
            report.token = saved
            return
    if tokens.has_organiser(database):
        return
    _row, token = tokens.issue(database, tokens.NewToken(name="organiser", role=tokens.ORGANISER))
    token_file.write_text(token + "\n")
    os.chmod(token_file, 0o600)
    report.lines.append(f"organiser token: generated, kept in {token_file}")
    report.token = token


def ensure_organiser_token(database: Database | None = None) -> Bootstrapped:
    own = database is None
    database = database or service_database(DESCRIPTOR)
    report = Bootstrapped()
    try:
        bootstrap = config.env("BOOTSTRAP_TOKEN")
        if not (bootstrap and from_variable(database, bootstrap, report)):
            generated(database, report)
        unscoped = tokens.chairs_without_events(database)
        if unscoped:
            names = ", ".join(f"{row.name!r} (id {row.id})" for row in unscoped)
            report.lines.append(
                f"warning: {len(unscoped)} chair token(s) name tracks without their event (issued before chair "
                f"scope was per event) and grant nothing: revoke and re-issue them with (event, track) pairs: {names}")
        report.lines.append(f"organiser token: {report.token}" if report.token else
                            "organiser token: (issued earlier; create another with POST /api/v1/tokens)")
        return report
    finally:
        if own:
            database.dispose()


def main() -> int:
    try:
        migrate([DESCRIPTOR])
        report = ensure_organiser_token()
    except sa.exc.SQLAlchemyError as exc:
        reason = (str(getattr(exc, "orig", None) or exc).strip().splitlines() or [repr(exc)])[0]
        url = sa.engine.make_url(config.database_url(DESCRIPTOR.name)).render_as_string(hide_password=True)
        print(f"gateway bootstrap: the gateway database {url} cannot be used: {reason}", file=sys.stderr)
        return 1
    for line in report.lines:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
