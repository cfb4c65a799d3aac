"""The schedule worker process: ``python -m services.schedule.worker`` (outbox relay)."""
from services.kit.service import run_worker

from . import SERVICE, consumers, store

if __name__ == "__main__":
    run_worker(SERVICE, store.Base.metadata, consumers.subscriptions)
