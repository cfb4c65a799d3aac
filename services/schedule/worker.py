"""The schedule worker process: ``python -m services.schedule.worker``.

Threads: the outbox relay, and the timers of :mod:`.timers` (the session clock and the new day).
"""
from services.kit.service import run_worker

from .descriptor import DESCRIPTOR

if __name__ == "__main__":
    run_worker(DESCRIPTOR)
