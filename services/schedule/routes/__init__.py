"""The schedule api's route blueprints: load the request with a schema, call one operation, dump the
result. Registered by the descriptor (``descriptor.blueprints``)."""
