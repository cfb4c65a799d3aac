"""Summaries: which sessions one covers, and the scope an event's summary is kept under.

What a summary says and how it is laid out is the renderer's (:mod:`..summary`); publishing's
rules are in :mod:`..summary.publication`.
"""
from __future__ import annotations

from .notes import CANCELLED, DELETED

# A session cancelled or deleted is in no summary.
NOT_SUMMARISED = (CANCELLED, DELETED)

# The ``track`` a published event summary is kept under (the summaries table predates them).
EVENT_SCOPE = ""
