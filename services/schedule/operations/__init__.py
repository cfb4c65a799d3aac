"""The schedule service layer: one function per use case, taking a unit of work and a command,
applying the domain's rules, adding its outbox events and returning the result. Routes, the
ptgbot command path and the timers call these; a rule is written once."""
