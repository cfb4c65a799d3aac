"""ptgbot, as ptghub speaks it, free of I/O: its chat command language (:mod:`.commands`), the
words it answers with (:mod:`.replies`), who may say what by nick (:mod:`.nicks`), and how its
JSON database maps onto an event (:mod:`.import_plan`, sharing :mod:`.format` with the ptg.json
export). The operations (``operations.commands``, ``operations.importing``) apply what these say.
"""
