"""Query strings of the action exports (named by the routes' docstrings; no components to register)."""
from __future__ import annotations

from .queries import ActionQuery


class ActionExportQuery(ActionQuery):
    """The action list's filters, without paging: an export holds every action they name."""

    class Meta(ActionQuery.Meta):
        exclude = ("limit", "cursor")

