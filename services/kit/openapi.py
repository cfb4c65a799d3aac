"""Each service's OpenAPI document, generated from its marshmallow schemas (the one source of truth).

Routes describe themselves in their docstrings (apispec's YAML after ``---``). ``python -m
services.kit.openapi`` writes ``openapi/<service>.yaml`` for every service; a test fails when a
committed file differs from what the code generates.
"""
from __future__ import annotations

import importlib
import sys
from pathlib import Path

import yaml
from flask import Flask
from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec_webframeworks.flask import FlaskPlugin

from .config import SERVICE_NAMES

OPENAPI_DIR = Path(__file__).resolve().parents[2] / "openapi"

PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details; `errors` names each offending field.",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": True},
    },
    "required": ["title", "status"],
}


def build_spec(service: str) -> dict:
    api = importlib.import_module(f"services.{service}.api")
    schemas = importlib.import_module(f"services.{service}.schemas")
    spec = APISpec(
        title=f"ptghub {service} service (internal)",
        version="1.0.0",
        openapi_version="3.0.3",
        info={"description": api.__doc__.strip().splitlines()[0]},
        plugins=[FlaskPlugin(), MarshmallowPlugin()],
    )
    spec.components.schema("Problem", PROBLEM_SCHEMA)
    for name, schema in schemas.SCHEMAS.items():
        spec.components.schema(name, schema=schema)
    app = Flask(f"openapi.{service}")
    app.register_blueprint(api.blueprint)
    with app.test_request_context():
        for endpoint, view in sorted(app.view_functions.items()):
            if endpoint.startswith(api.blueprint.name + "."):
                spec.path(view=view, app=app)
    return spec.to_dict()


def render(service: str) -> str:
    return yaml.safe_dump(build_spec(service), sort_keys=False, allow_unicode=True)


def main(argv: list[str]) -> int:
    services = argv or list(SERVICE_NAMES)
    for service in services:
        (OPENAPI_DIR / f"{service}.yaml").write_text(render(service))
        print(f"wrote openapi/{service}.yaml")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
