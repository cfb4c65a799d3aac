"""A local SMTP sink for the embedded set-up: accepts every mail and keeps it under var/mail/.

``python deploy/smtp_sink.py [--host 127.0.0.1] [--port 8025] [--dir var/mail]``
Each message is written as ``<timestamp>-<n>.eml``, exactly as received (plus Received headers).
"""
from __future__ import annotations

import argparse
import itertools
import signal
import threading
import time
from pathlib import Path

from aiosmtpd.controller import Controller


class KeepEveryMail:
    def __init__(self, directory: Path):
        self.directory = directory
        self.directory.mkdir(parents=True, exist_ok=True)
        self.counter = itertools.count(1)

    async def handle_DATA(self, server, session, envelope):
        name = f"{time.strftime('%Y%m%dT%H%M%S')}-{next(self.counter):05d}.eml"
        (self.directory / name).write_bytes(envelope.original_content or envelope.content)
        print(f"smtp sink: kept {name} from {envelope.mail_from} to {', '.join(envelope.rcpt_tos)}", flush=True)
        return "250 Message accepted for delivery"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8025)
    parser.add_argument("--dir", default="var/mail")
    args = parser.parse_args()
    controller = Controller(KeepEveryMail(Path(args.dir)), hostname=args.host, port=args.port)
    controller.start()
    print(f"smtp sink: listening on {args.host}:{args.port}, keeping mail in {args.dir}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
