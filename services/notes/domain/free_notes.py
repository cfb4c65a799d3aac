"""An event's free notes: the slug that names one and its title."""
from __future__ import annotations

import re

from services.kit.problems import Invalid

# A free note's slug follows the schedule's rule for the slugs of tracks and rooms.
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
SLUG_RULE = "lowercase letters, digits, - and _ only, starting with a letter or digit (at most 64)"
MAX_TITLE = 300


def check_slug(slug: str) -> str:
    """A free note's slug: the schedule's slug rule; anything else is a 422 naming ``slug``."""
    if not SLUG_RE.match(slug):
        raise Invalid("slug", SLUG_RULE)
    return slug


def check_title(title: str) -> str:
    """A free note's title: some text, at most :data:`MAX_TITLE` characters (422 naming ``title``)."""
    title = " ".join(title.split())
    if not title:
        raise Invalid("title", "give the note a title")
    if len(title) > MAX_TITLE:
        raise Invalid("title", f"at most {MAX_TITLE} characters")
    return title
