"""The actions API, one blueprint per feature (endpoint ``<feature>.<view>``, operationId
``actions.<feature>.<view>`` at the gateway). Each route loads the request with a schema, calls
one operation, commits the unit of work and dumps the result with a schema."""
