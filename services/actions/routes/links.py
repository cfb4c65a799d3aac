"""Actions API: links routes (being built)."""
from flask import Blueprint

blueprint = Blueprint("links", __name__)
