"""Notify api route blueprints beyond :mod:`services.notify.api`, one per feature (endpoint
``<feature>.<view>``, operationId ``notify.<feature>.<view>`` at the gateway): load with a schema,
call one operation, dump with a schema."""
