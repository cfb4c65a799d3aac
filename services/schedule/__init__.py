"""schedule: gatherings, rooms, tracks and sessions — the source of truth for when and where."""
SERVICE = "schedule"
