"""Live board, status (now/next/location), booking, message of the day and ptgbot's commands."""
from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("live", __name__)
