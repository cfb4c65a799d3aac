"""Public exports of the schedule: ptg.json, iCalendar, frab/C3VOC XML and JSON."""
from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("exports", __name__)
