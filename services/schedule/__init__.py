"""schedule: gatherings, rooms, tracks and sessions — the source of truth for when and where."""
SERVICE = "schedule"

# The schema registry first: schemas.py pulls in schemas_live and schemas_exports once it has
# defined what they build on, so whichever module is imported first finds it complete.
from . import schemas  # noqa: E402,F401
