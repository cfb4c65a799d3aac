"""The notify service layer: one function per use case, taking a unit of work and a command (a
loaded schema dict, an incoming event's data, a delivery attempt's result), applying the domain's
rules, adding its outbox events and returning the result. The caller commits: a route, the event
router (with the event's inbox row) or a delivery loop.

- :mod:`.subscriptions`: webhook subscriptions and their delivery log, the fan-out of incoming
  events to the subscriptions that may receive them, delivery attempts, disabling;
- :mod:`.messages`: the tracks' mailing-list routes, summaries waiting for theirs, the outgoing
  mail queue and its log;
- :mod:`.webhook_notices`: the notice mail to a disabled webhook's contact.
"""
