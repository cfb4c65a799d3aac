"""The committed OpenAPI documents of notes and actions are what their marshmallow schemas generate."""
import pytest

from services.kit.openapi import OPENAPI_DIR, render


@pytest.mark.parametrize("service", ["notes", "actions"])
def test_the_committed_openapi_document_is_current(service):
    assert (OPENAPI_DIR / f"{service}.yaml").read_text() == render(service), (
        f"openapi/{service}.yaml is stale: run python -m services.kit.openapi {service}")
