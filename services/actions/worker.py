"""The actions worker process: ``python -m services.actions.worker`` (outbox relay, track event consumer)."""
from services.kit.service import run_worker

from .descriptor import DESCRIPTOR

if __name__ == "__main__":
    run_worker(DESCRIPTOR)
