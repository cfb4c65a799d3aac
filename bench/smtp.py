"""SMTP: one pooled connection per delivery loop against one connection per mail.

    python bench/smtp.py [--mails 10000] [--size 4000] [--tls | --smtp-sink PATH] [--loop 0]

A local aiosmtpd server (its own process, so it does not share the client's interpreter lock)
receives ``--mails`` messages of about ``--size`` bytes twice: through notify's
:class:`services.notify.transport.smtp.SmtpConnection` kept open for all of them (what a mail loop does), and
with a new connection per mail (connect, greeting, EHLO, the transaction, QUIT). Prints both
figures (mails per second, wall clock), the connections the server accepted, and the ratio.
Target: pooled >= 5x one connection per mail. The CPU time of client and server per mail is
printed too: on a busy machine it moves less than the clock. ``--tls``: STARTTLS with a verified
certificate, what a relay on port 587 needs (each new connection then pays a TLS handshake).

``--smtp-sink PATH``: the server is Postfix's ``smtp-sink`` (C, offers PIPELINING; Debian's postfix
package has it) instead of aiosmtpd, so the figures are the client's and the connections' rather than
aiosmtpd's per-command work. It counts nothing: every mail it accepted answered 250 to the client.

``--loop N`` also times the whole mail loop (:class:`services.notify.delivery.mail.MailDeliveryLoop`,
claims, suppression check, one unit of work per outcome) sending N queued mails from a SQLite file.
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from email.message import EmailMessage
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from services.notify import domain  # noqa: E402
from services.notify.transport.smtp import SmtpConnection  # noqa: E402

TARGET = 5.0


def serve(port, ready, counts, tls: tuple[str, str] | None = None) -> None:
    """The server process: aiosmtpd on ``port``, counting connections and messages; with ``tls``
    (certificate, key) it offers STARTTLS."""
    import ssl

    from aiosmtpd.controller import Controller

    options = {}
    if tls:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*tls)
        options = {"tls_context": context, "require_starttls": True}

    class Sink:
        async def handle_DATA(self, server, session, envelope):
            with counts.get_lock():
                counts[1] += 1
            return "250 OK"

    class Counting(Controller):
        def factory(self):
            with counts.get_lock():
                counts[0] += 1
            return super().factory()

    controller = Counting(Sink(), hostname="127.0.0.1", port=port.value, server_hostname="mx.bench", **options)
    controller.start()
    with counts.get_lock():
        counts[0] = 0  # start() connects once itself
    port.value = controller.port
    ready.set()
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()


def message(number: int, size: int) -> bytes:
    mail = EmailMessage(policy=domain.MAIL_POLICY)
    mail["From"] = "ptghub <ptghub@ptg.example>"
    mail["To"] = "kolla-list@lists.example"
    mail["Subject"] = f"[kolla] Train PTG summary {number}"
    mail["Message-ID"] = f"<bench.{number}.{uuid.uuid4().hex}@ptg.example>"
    mail["Auto-Submitted"] = "auto-generated"
    line = "We agreed to drop Python 2 and to keep the images building nightly.\n"
    mail.set_content(line * max(1, size // len(line)))
    return mail.as_bytes()


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process ``pid`` so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pooled(url: str, mails: list[bytes]) -> float:
    connection = SmtpConnection(url)
    started = time.perf_counter()
    for body in mails:
        connection.send("ptghub@ptg.example", "kolla-list@lists.example", body)
    connection.close()
    return time.perf_counter() - started


def one_per_mail(url: str, mails: list[bytes]) -> float:
    connection = SmtpConnection(url)  # closed after each mail: the next one connects again
    started = time.perf_counter()
    for body in mails:
        connection.send("ptghub@ptg.example", "kolla-list@lists.example", body)
        connection.close()
    return time.perf_counter() - started


def through_the_loop(url: str, count: int, size: int) -> tuple[float, int]:
    """The whole mail loop on SQLite: ``count`` queued mails sent; (seconds, connections opened)."""
    from services.kit.db import Database, utcnow
    from services.notify import store
    from services.notify.config import NotifySettings
    from services.notify.descriptor import DESCRIPTOR
    from services.notify.delivery.mail import MailDeliveryLoop

    with tempfile.TemporaryDirectory() as scratch:
        database = Database(f"sqlite:///{scratch}/notify.db", DESCRIPTOR.metadata, source="/ptghub/notify")
        DESCRIPTOR.metadata.create_all(database.engine)
        with database.unit_of_work() as uow:
            for number in range(count):
                body = message(number, size).decode()
                uow.session.add(store.OutgoingMail(
                    source_event_id=str(uuid.uuid4()), source_event_type="ptghub.notes.summary.published",
                    sender="ptghub <ptghub@ptg.example>", recipient="kolla-list@lists.example", subject="s",
                    message_id=f"<loop.{number}@ptg.example>", message=body, status="queued", attempts=0,
                    next_attempt_at=utcnow()))
            uow.commit()
        loop = MailDeliveryLoop(database, NotifySettings(smtp_url=url), batch_size=64)
        started = time.perf_counter()
        while loop.send_once():
            pass
        elapsed = time.perf_counter() - started
        loop.smtp.close()
        database.dispose()
        return elapsed, loop.smtp.opened


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' if count != 1 else ''}"


def _accepting(port: int, timeout: float) -> bool:
    """Whether a server accepts on loopback ``port`` within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as connection:
                connection.recv(512)  # its greeting
                return True
        except OSError:
            time.sleep(0.05)
    return False


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mails", type=int, default=10_000)
    parser.add_argument("--size", type=int, default=4000, help="bytes of body per mail (about)")
    parser.add_argument("--loop", type=int, default=0, help="also time the mail loop sending this many from SQLite")
    parser.add_argument("--tls", action="store_true",
                        help="STARTTLS with a verified certificate (openssl makes a self-signed one), as a relay on 587")
    parser.add_argument("--smtp-sink", metavar="PATH", help="Postfix's smtp-sink as the server instead of aiosmtpd")
    args = parser.parse_args(argv)
    if args.smtp_sink and (args.tls or args.loop):
        parser.error("--smtp-sink offers no STARTTLS and is not used with --loop")
    scratch = tempfile.TemporaryDirectory()
    tls = None
    if args.tls:
        tls = (f"{scratch.name}/server.pem", f"{scratch.name}/server.key")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                        "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", tls[1], "-out", tls[0]],
                       check=True, capture_output=True)

    with socket.socket() as probe:  # a free loopback port (aiosmtpd's controller needs one named)
        probe.bind(("127.0.0.1", 0))
        free = probe.getsockname()[1]
    port, ready = multiprocessing.Value("i", free), multiprocessing.Event()
    counts = multiprocessing.Array("l", 2)  # connections, messages (aiosmtpd only)
    if args.smtp_sink:
        server = subprocess.Popen([args.smtp_sink, *(["-u", "nobody"] if os.geteuid() == 0 else []),
                                   f"127.0.0.1:{free}", "256"], stdout=subprocess.DEVNULL)
        if _accepting(free, 20):
            ready.set()
    else:
        server = multiprocessing.Process(target=serve, args=(port, ready, counts, tls), daemon=True)
        server.start()
    try:
        if not ready.wait(20):
            print("the SMTP server did not start", file=sys.stderr)
            return 1
        url = f"smtp://127.0.0.1:{port.value}" + (f"?starttls=1&cafile={tls[0]}" if tls else "")
        print(f"{args.mails} mails of {args.size} bytes to {'smtp-sink' if args.smtp_sink else 'aiosmtpd'} on loopback"
              f"{' with STARTTLS (verified certificate)' if tls else ''}")
        mails = [message(number, args.size) for number in range(args.mails)]
        pooled(url, mails[:200])  # warm both paths up
        one_per_mail(url, mails[:200])
        figures, cpu = {}, {}
        for name, run in (("pooled", pooled), ("one connection per mail", one_per_mail)):
            with counts.get_lock():
                counts[0] = counts[1] = 0
            cpu_before = cpu_seconds(os.getpid()) + cpu_seconds(server.pid)
            elapsed = run(url, mails)
            cpu[name] = cpu_seconds(os.getpid()) + cpu_seconds(server.pid) - cpu_before
            with counts.get_lock():
                connections, received = counts[0], counts[1]
            if args.smtp_sink:  # counts nothing; every send returned on a 250
                received = args.mails
            if received != args.mails:
                print(f"{name}: the server received {received} of {args.mails}", file=sys.stderr)
                return 1
            figures[name] = elapsed
            print(f"{name:>24}: {args.mails} mails in {elapsed:6.2f} s = {args.mails / elapsed:7.0f} mails/s "
                  f"({'connections not counted' if args.smtp_sink else plural(connections, 'connection')}; "
                  f"client + server CPU "
                  f"{cpu[name] * 1000 / args.mails:.2f} ms a mail)")
        ratio = figures["one connection per mail"] / figures["pooled"]
        cpu_ratio = cpu["one connection per mail"] / cpu["pooled"]
        print(f"{'ratio':>24}: pooled is {ratio:.1f}x one connection per mail by the clock, {cpu_ratio:.1f}x by CPU "
              f"(target >= {TARGET:.0f}x: {'met' if ratio >= TARGET else 'NOT met'}; load average "
              f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
        if args.loop:
            elapsed, opened = through_the_loop(url, args.loop, args.size)
            print(f"{'mail loop (SQLite)':>24}: {args.loop} mails in {elapsed:6.2f} s = {args.loop / elapsed:7.0f} "
                  f"mails/s ({plural(opened, 'connection')}; claims and one unit of work per mail)")
    finally:
        server.terminate()
        if args.smtp_sink:
            server.wait(5)
        else:
            server.join(5)
        scratch.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
