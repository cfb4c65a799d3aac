"""Actions API: reminders routes (being built)."""
from flask import Blueprint

blueprint = Blueprint("reminders", __name__)
