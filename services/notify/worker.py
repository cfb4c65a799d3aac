"""The notify worker process: ``python -m services.notify.worker`` (outbox relay, event consumer,
webhook delivery loop, mail delivery loop)."""
from services.kit.service import run_worker

from .descriptor import DESCRIPTOR

if __name__ == "__main__":
    run_worker(DESCRIPTOR)
