"""notes: a note per session and per track, their revisions, the items drawn out of them, track summaries."""
SERVICE = "notes"
