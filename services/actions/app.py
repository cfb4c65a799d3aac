"""The actions api process: ``gunicorn 'services.actions.app:create_app()'`` (as the launcher starts it)."""
from services.kit.web import api_process_app

from .descriptor import DESCRIPTOR


def create_app():
    return api_process_app(DESCRIPTOR)
