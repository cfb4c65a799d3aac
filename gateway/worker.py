"""The gateway worker process: ``python -m gateway.worker``.

One thread: the kit's outbox relay, which publishes ``ptghub.gateway.token.revoked`` once a
revocation has committed. Built from the gateway's descriptor like every service's worker.
"""
from services.kit.service import run_worker

from .descriptor import DESCRIPTOR

if __name__ == "__main__":
    run_worker(DESCRIPTOR)
