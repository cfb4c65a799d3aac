"""ptgbot's JSON database (``base.json`` / ``ptg.json``): the names its import and its export share."""

# ptgbot keys its slot grid by English day names
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# the keys of a room's entry in ``schedule`` that are no slot code
ROOM_META_KEYS = ("desc", "url", "cap_icon", "cap_desc")
