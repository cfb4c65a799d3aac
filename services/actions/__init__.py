"""actions: action items with owners, due dates and a status, until they are done or dropped."""
SERVICE = "actions"
