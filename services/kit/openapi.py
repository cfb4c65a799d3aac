"""Each service's OpenAPI document, generated from its marshmallow schemas (the one source of truth).

Routes describe themselves in their docstrings (apispec's YAML after ``---``). ``python -m
services.kit.openapi`` writes ``openapi/<service>.yaml`` for every service; a test fails when a
committed file differs from what the code generates.
"""
from __future__ import annotations

import sys
from pathlib import Path

import yaml
from flask import Flask
from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec_webframeworks.flask import FlaskPlugin

from .descriptor import ServiceDescriptor

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


def build_spec(descriptor: ServiceDescriptor) -> dict:
    spec = APISpec(
        title=f"ptghub {descriptor.name} service (internal)",
        version="1.0.0",
        openapi_version="3.0.3",
        info={"description": descriptor.description},
        plugins=[FlaskPlugin(), MarshmallowPlugin()],
    )
    spec.components.schema("Problem", PROBLEM_SCHEMA)
    for name, schema in descriptor.schemas.items():
        spec.components.schema(name, schema=schema)
    app = Flask(f"openapi.{descriptor.name}")
    blueprints = descriptor.blueprints()
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    with app.test_request_context():
        for endpoint, view in sorted(app.view_functions.items()):
            if endpoint != "static":
                spec.path(view=view, app=app)
    return spec.to_dict()


def render(descriptor: ServiceDescriptor) -> str:
    return yaml.safe_dump(build_spec(descriptor), sort_keys=False, allow_unicode=True)


def main(argv: list[str]) -> int:
    from services import catalog  # the composition root: the commands' only way to the services

    for descriptor in catalog.services():
        if argv and descriptor.name not in argv:
            continue
        (OPENAPI_DIR / f"{descriptor.name}.yaml").write_text(render(descriptor))
        print(f"wrote openapi/{descriptor.name}.yaml")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
