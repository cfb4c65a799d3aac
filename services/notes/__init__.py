"""notes: one note per session, its revisions and the track summaries built from them."""
SERVICE = "notes"
