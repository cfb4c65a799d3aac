"""The notify service layer: one function per use case, taking a unit of work and a command (a
loaded schema dict, an incoming event's data, a delivery attempt's result), applying the domain's
rules, adding its outbox events and returning the result. The caller commits: a route, the event
router (with the event's inbox row) or a delivery loop.

- :mod:`.subscriptions`: webhook subscriptions and their delivery log, the fan-out of incoming
  events to the subscriptions that may receive them, delivery attempts, disabling;
- :mod:`.deliveries`: deliveries an integration asks for (a ping, redeliveries), each ringing the
  delivery loop;
- :mod:`.messages`: the tracks' mailing-list routes, summaries waiting for theirs, the outgoing
  mail queue and its log;
- :mod:`.routing`: each event's list, subject tag and sender; where and when each session is, and
  the notice to its track's list when it is moved or cancelled; the per-track switch of those;
- :mod:`.notices`: notices to one person about their own things (a webhook disabled).
- :mod:`.suppressions`: the suppression list (addresses that get no personal mail) and what puts
  an address on it (an unsubscribe, a hard bounce, an organiser);
- :mod:`.resend`: queueing a message again, with the same Message-ID.
"""
