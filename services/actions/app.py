"""The actions api process: ``gunicorn services.actions.app:app``."""
from services.kit.service import service_app

from . import SERVICE, api, store


def create_app():
    return service_app(SERVICE, store.Base.metadata, [api.blueprint])
