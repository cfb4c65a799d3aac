"""Actions API: people routes (being built)."""
from flask import Blueprint

blueprint = Blueprint("people", __name__)
