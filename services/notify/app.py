"""The notify api process: ``gunicorn services.notify.app:app``."""
from services.kit.service import service_app

from . import SERVICE, api, store


def create_app():
    return service_app(SERVICE, store.Base.metadata, [api.blueprint])
