"""Actions API: exports routes (being built)."""
from flask import Blueprint

blueprint = Blueprint("exports", __name__)
