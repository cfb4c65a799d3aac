"""The gateway's OpenAPI document, read once per process.

``openapi/gateway.yaml`` (150 KB) refers to the four services' documents (another 330 KB).
Parsed with PyYAML's pure-Python loader, as connexion and the gateway's own readers each did,
they took several seconds of CPU per app built: per gateway worker at start, per test that builds
an app. Here each file is parsed once per process with libyaml (when PyYAML has it), and every
reader shares the result: connexion gets the document with every ``$ref`` resolved
(:func:`resolved`), the allowed-methods table, the roles and the public reads read ``paths``.

The documents handed out are shared: a reader must not change them (connexion copies its own).
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from connexion.json_schema import resolve_refs

SPEC = Path(__file__).resolve().parent.parent / "openapi" / "gateway.yaml"
METHODS = ("get", "put", "post", "delete", "patch")  # the operations a path item may hold

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _string_keys(node: Any) -> Any:
    """JSON's keys are strings: ``200:`` is the key ``"200"`` (as connexion's own loader has it)."""
    if isinstance(node, dict):
        return {str(key): _string_keys(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_string_keys(value) for value in node]
    return node


@lru_cache(maxsize=None)
def load(path: Path = SPEC) -> dict:
    """The YAML document at ``path``, parsed once per process."""
    with open(path, "rb") as handle:
        return _string_keys(yaml.load(handle, Loader=Loader))


def paths(path: Path = SPEC) -> dict:
    """The document's ``paths``."""
    return load(path)["paths"]


@lru_cache(maxsize=None)
def resolved(path: Path = SPEC) -> dict:
    """The document with every ``$ref`` replaced by what it names, in this document or the
    documents beside it (each parsed once, by :func:`load`); what connexion is given."""
    document = load(path)
    others = {str(path.parent / name): load(path.parent / name) for name in sorted(_files_referred_to(document))}
    return resolve_refs(document, store=others, base_uri=f"{path.parent}{os.sep}")


def _files_referred_to(node: Any) -> set[str]:
    """The other documents ``node``'s ``$ref``s name (``notes.yaml#/...``: ``notes.yaml``)."""
    if isinstance(node, dict):
        found = {node["$ref"].partition("#")[0]} if isinstance(node.get("$ref"), str) else set()
        return found.union(*(_files_referred_to(value) for value in node.values())) - {""}
    if isinstance(node, list):
        return set().union(*(_files_referred_to(value) for value in node))
    return set()
