"""The shared plumbing kit: configuration, database, outbox, broker, errors, health, logging.

Every service builds on these modules and nothing else of each other's.
"""
