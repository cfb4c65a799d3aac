"""The notes worker process: ``python -m services.notes.worker`` (outbox relay, schedule event consumer)."""
from services.kit.service import run_worker

from .descriptor import DESCRIPTOR

if __name__ == "__main__":
    run_worker(DESCRIPTOR)
