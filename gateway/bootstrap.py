"""``python -m gateway.bootstrap``: migrate the gateway database and make sure an organiser token exists.

With PTGHUB_BOOTSTRAP_TOKEN set, that token is the organiser token. Otherwise one is generated on
first start; the embedded set-up keeps it in ``var/organiser-token`` (mode 0600) so ``make run``
can show it again. Prints ``organiser token: <token>`` (or that one exists already).
"""
from __future__ import annotations

import os
import sys

from services.kit import config
from services.kit.auth import ORGANISER
from services.kit.manage import migrate

from . import tokens
from .app import gateway_database
from .descriptor import DESCRIPTOR


def ensure_organiser_token() -> str | None:
    database = gateway_database()
    token_file = config.var_dir() / "organiser-token"
    bootstrap = config.env("BOOTSTRAP_TOKEN")
    try:
        if bootstrap:
            if tokens.find(database, bootstrap) is None:
                tokens.issue(database, "bootstrap organiser", ORGANISER, [], token=bootstrap)
            return bootstrap
        if token_file.exists():
            saved = token_file.read_text().strip()
            if tokens.find(database, saved) is not None:
                return saved
        if tokens.has_organiser(database):
            return None
        _row, token = tokens.issue(database, "organiser", ORGANISER, [])
        token_file.write_text(token + "\n")
        os.chmod(token_file, 0o600)
        return token
    finally:
        database.dispose()


def main() -> int:
    migrate([DESCRIPTOR])
    token = ensure_organiser_token()
    if token:
        print(f"organiser token: {token}")
    else:
        print("organiser token: (issued earlier; create another with POST /api/v1/tokens)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
