"""Each service's OpenAPI document, generated from its marshmallow schemas (the one source of truth).

Routes describe themselves in their docstrings (apispec's YAML after ``---``). ``python -m
services.kit.openapi`` writes ``openapi/<service>.yaml`` for every service; a test fails when a
committed file differs from what the code generates.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml
from flask import Flask
from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from marshmallow import fields, validate
from apispec_webframeworks.flask import FlaskPlugin

from .descriptor import ServiceDescriptor
from .schemas import LABEL, URL_PATTERN, StrictSchema

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


# -- rules the schemas enforce that apispec does not write down by itself ---------------------------
# Each is a pattern a client (and the gateway, which validates against these documents) can check,
# and exactly what the service accepts: a value that matches is never refused for its form.
NUL_FREE = r"^[^\x00]*$"
YEAR = r"(?:19[0-9]{2}|2[0-9]{3})"
DATE = rf"{YEAR}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])"
DATE_PATTERNS = {
    "date": rf"^{DATE}$",
    "date-time": rf"^{DATE}T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]{{1,6}})?(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])$",
}


def url_rule(self, field, ret, **_kwargs) -> dict:
    """``fields.Url``: an http(s) URL with a host name."""
    if isinstance(field, fields.Url):
        return {"pattern": URL_PATTERN}
    return {}


_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]"
# a dot-atom local part (up to eight atoms of up to 64 characters); a domain of up to four labels and a
# top-level one that starts with a letter (2 to 63 characters: `.example`, `.international`), or
# `localhost`: all of it what marshmallow's Email takes; the fields' maxLength (320) bounds the whole
EMAIL_PATTERN = (rf"^{_ATOM}{{1,64}}(?:\.{_ATOM}{{1,64}}){{0,7}}"
                 rf"@(?:(?:{LABEL}\.){{1,4}}[A-Za-z][A-Za-z0-9-]{{0,61}}[A-Za-z0-9]|localhost)$")


def email_rule(self, field, ret, **_kwargs) -> dict:
    """``fields.Email``: a dot-atom address at a domain name."""
    if isinstance(field, fields.Email):
        return {"pattern": EMAIL_PATTERN}
    return {}


def year_rule(self, field, ret, **_kwargs) -> dict:
    """A date or instant limited to the years 1900 to 2999 (``validate.Range``): the pattern says so."""
    if not isinstance(field, (fields.Date, fields.DateTime)):
        return {}
    for validator in field.validators:
        low, high = getattr(validator, "min", None), getattr(validator, "max", None)
        if isinstance(validator, validate.Range) and low is not None and high is not None \
                and (low.year, high.year) == (1900, 2999):
            return {"pattern": DATE_PATTERNS["date" if type(field) is fields.Date else "date-time"]}
    return {}


def nul_rule(self, field, ret, **_kwargs) -> dict:
    """A string a :class:`StrictSchema` loads refuses NUL (PostgreSQL text cannot hold it)."""
    if isinstance(field, fields.String) and isinstance(field.parent, StrictSchema) and "pattern" not in ret \
            and "enum" not in ret and not field.dump_only:
        return {"pattern": NUL_FREE}
    return {}


FIELD_RULES = (url_rule, email_rule, year_rule, nul_rule)


def build_spec(descriptor: ServiceDescriptor) -> dict:
    marshmallow_plugin = MarshmallowPlugin()
    spec = APISpec(
        title=f"ptghub {descriptor.name} service (internal)",
        version="1.0.0",
        openapi_version="3.0.3",
        info={"description": descriptor.description},
        plugins=[FlaskPlugin(), marshmallow_plugin],
    )
    for rule in FIELD_RULES:
        marshmallow_plugin.converter.add_attribute_function(rule)
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
    return without_email_format(hoist_parameters(spec.to_dict(), app))


def without_email_format(node):
    """An e-mail field is stated by its pattern alone: the ``email`` format means different things to
    different checkers (some refuse what the pattern, and the service, take)."""
    if isinstance(node, dict):
        if node.get("format") == "email" and "pattern" in node:
            del node["format"]
        for value in node.values():
            without_email_format(value)
    elif isinstance(node, list):
        for value in node:
            without_email_format(value)
    return node


def parameter_key(endpoint: str, name: str) -> str:
    """The component name of an operation's query or header parameter: ``<endpoint>.<name>``, so
    the gateway, whose operationId is ``<service>.<endpoint>``, refers to it without copying it."""
    return f"{endpoint}.{name}"


def hoist_parameters(document: dict, app: Flask) -> dict:
    """Every query and header parameter becomes ``components/parameters/<endpoint>.<name>`` and the
    operation refers to it: one definition, which openapi/gateway.yaml ``$ref``s (path parameters
    stay in place; the gateway names its own)."""
    hoisted = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        for method in sorted(m.lower() for m in rule.methods - {"HEAD", "OPTIONS"}):
            operation = document["paths"].get(path, {}).get(method)
            if not operation:
                continue
            refs = []
            for parameter in operation.get("parameters", []):
                if parameter.get("in") in ("query", "header"):
                    key = parameter_key(rule.endpoint, parameter["name"])
                    hoisted[key] = parameter
                    parameter = {"$ref": f"#/components/parameters/{key}"}
                refs.append(parameter)
            if refs:
                operation["parameters"] = refs
    if hoisted:
        document.setdefault("components", {})["parameters"] = dict(sorted(hoisted.items()))
    return document


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
