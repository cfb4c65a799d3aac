"""The notify api process: ``gunicorn services.notify.app:app``."""
from services.kit.web import service_app

from .descriptor import DESCRIPTOR


def create_app():
    return service_app(DESCRIPTOR)
