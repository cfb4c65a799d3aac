"""The mail loop's SMTP client: one pooled connection (:class:`SmtpConnection`), and what a refusal
says (:class:`SmtpFailure`: its reply code, its stage, whether nothing reached the server)."""
from __future__ import annotations

import logging
import re
import smtplib
import socket
import ssl
import time
from urllib.parse import parse_qs, unquote, urlsplit

from services.kit.logs import log

from .. import domain

logger = logging.getLogger(__name__)


class SmtpFailure(Exception):
    """A message the server did not take. ``code``: its reply code (None: no reply at all);
    ``connection``: nothing reached the server (the rest of the batch would fail alike);
    ``stage``: the command refused (``MAIL``, ``RCPT``, ``DATA``), so a 5xx on ``RCPT`` is a hard bounce."""

    def __init__(self, message: str, code: int | None = None, connection: bool = False, stage: str | None = None):
        super().__init__(message)
        self.code = code
        self.connection = connection
        self.stage = stage

    @property
    def bounced(self) -> bool:
        """A hard bounce: the server refused the recipient with a 5xx reply."""
        return self.stage == "RCPT" and domain.smtp_permanent(self.code)


class _Gone(Exception):
    """The connection ended (421, or dropped) before the server took the message: sending it again
    on a new connection cannot double it."""

    def __init__(self, message: str, code: int | None = None):
        super().__init__(message)
        self.code = code


CLOSING = 421  # "service not available, closing transmission channel"


class SmtpConnection:
    """The one SMTP connection of a delivery loop: opened when first needed, reused for every mail
    after, closed after ``idle`` seconds unused, and opened again when the server ends it.

    ``smtp://host:port`` (STARTTLS when the URL says ``?starttls=1``), ``smtps://host:port`` (TLS from
    the start); ``user:password@`` in the URL logs in. TLS checks the server's certificate and name
    against the system's CAs, or ``?cafile=/path/ca.pem``; ``?verify=0`` turns the check off (a relay
    with a self-signed certificate on a trusted network only).

    Each mail is one MAIL/RCPT/DATA transaction, pipelined (RFC 2920) when the server offers it.
    When the server answers 421 or drops the connection before it has the whole message, the mail is
    sent again at once on a new connection (once); when the connection is lost after the message
    went, the server may have it, so it is not sent again now: it fails transiently and the retry
    schedule decides (never two copies from one attempt).
    """

    def __init__(self, url: str, timeout: float = 30.0, idle: float = 60.0):
        self.url = url
        self.timeout = timeout
        self.idle = idle
        self.opened = 0  # connections opened so far (the pool's effect, for logs and the bench)
        self._smtp: smtplib.SMTP | None = None
        self._used = 0.0
        self._local_hostname = socket.getfqdn()  # once, not per connection
        self._tls: ssl.SSLContext | None = None

    def _tls_context(self) -> ssl.SSLContext:
        if self._tls is None:  # made once: loading the CAs costs more than a handshake
            query = parse_qs(urlsplit(self.url).query)
            context = ssl.create_default_context(cafile=(query.get("cafile") or [None])[0])
            if (query.get("verify") or ["1"])[0] == "0":
                context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
            self._tls = context
        return self._tls

    def _open(self) -> smtplib.SMTP:
        parts = urlsplit(self.url)
        host = parts.hostname or "127.0.0.1"
        try:
            if parts.scheme == "smtps":
                smtp = smtplib.SMTP_SSL(host, parts.port or 465, timeout=self.timeout,
                                        local_hostname=self._local_hostname, context=self._tls_context())
            else:
                smtp = smtplib.SMTP(host, parts.port or 25, timeout=self.timeout, local_hostname=self._local_hostname)
                if (parse_qs(parts.query).get("starttls") or ["0"])[0] == "1":
                    smtp.starttls(context=self._tls_context())
            smtp.ehlo_or_helo_if_needed()
            if parts.username:
                smtp.login(unquote(parts.username), unquote(parts.password or ""))
        except (smtplib.SMTPException, OSError) as exc:
            raise SmtpFailure(f"cannot connect to {host}: {exc!r}"[:1000], connection=True) from exc
        self.opened += 1
        return smtp

    def send(self, sender: str, recipient: str, message: bytes) -> None:
        """Send one message, or raise :class:`SmtpFailure` with the reply code that refused it."""
        if self._smtp is not None and time.monotonic() - self._used > self.idle:
            self.close()
        for last in (False, True):
            fresh = self._smtp is None
            if fresh:
                self._smtp = self._open()
            try:
                self._transaction(self._smtp, sender, recipient, message)
                return
            except _Gone as exc:
                self._drop()
                if fresh or last:  # a new connection ended too: the server is not taking mail now
                    raise SmtpFailure(f"server ended the connection: {exc}", exc.code, connection=True) from exc
                log(logger, logging.INFO, "smtp connection ended; sending again on a new one", reason=str(exc))
            finally:
                self._used = time.monotonic()  # a refusal is use too: the connection is not idle

    def _transaction(self, smtp: smtplib.SMTP, sender: str, recipient: str, message: bytes) -> None:
        if smtp.has_extn("pipelining"):
            self._pipelined(smtp, sender, recipient, message)
            return
        stage = "MAIL"
        try:
            code, reply = smtp.mail(sender)
            if code != 250:
                self._refused(smtp, code, reply, stage)
            stage = "RCPT"
            code, reply = smtp.rcpt(recipient)
            if code not in (250, 251):
                self._refused(smtp, code, reply, stage)
            stage = "DATA"
            code, reply = smtp.docmd("DATA")
            if code != 354:
                self._refused(smtp, code, reply, stage)
        except (smtplib.SMTPServerDisconnected, OSError) as exc:
            raise _Gone(f"{exc!r} at {stage}") from exc
        self._message(smtp, message)

    def _pipelined(self, smtp: smtplib.SMTP, sender: str, recipient: str, message: bytes) -> None:
        """RFC 2920, for a server that offers PIPELINING: MAIL, RCPT and DATA in one write, their three
        replies read after; then the message. Two round trips a mail instead of four."""
        stage = "MAIL"
        replies = []
        try:
            smtp.send(f"MAIL FROM:{smtplib.quoteaddr(sender)}\r\nRCPT TO:{smtplib.quoteaddr(recipient)}\r\n"
                      "DATA\r\n")
            for stage in ("MAIL", "RCPT", "DATA"):
                code, reply = smtp.getreply()
                if code == CLOSING:
                    raise _Gone(f"{code} {_text(reply)} at {stage}", code)
                replies.append((code, reply))
        except (smtplib.SMTPServerDisconnected, OSError) as exc:
            raise _Gone(f"{exc!r} at {stage}") from exc
        (mail, mail_reply), (rcpt, rcpt_reply), (data, data_reply) = replies
        if mail != 250 or rcpt not in (250, 251):
            if data == 354:  # DATA taken though no recipient was: an empty message ends it, to nobody
                try:
                    smtp.send(".\r\n")
                    smtp.getreply()
                except (smtplib.SMTPServerDisconnected, OSError):
                    self._drop()
            if mail != 250:
                self._refused(smtp, mail, mail_reply, "MAIL")
            self._refused(smtp, rcpt, rcpt_reply, "RCPT")
        if data != 354:
            self._refused(smtp, data, data_reply, "DATA")
        self._message(smtp, message)

    def _message(self, smtp: smtplib.SMTP, message: bytes) -> None:
        """The message after DATA's 354, dot-stuffed, and the server's reply to it."""
        stage = "message"  # a body cut short, without its final dot, is no message to the server
        try:
            body = re.sub(rb"(?m)^\.", b"..", message)
            smtp.send(body + (b"" if body.endswith(b"\r\n") else b"\r\n") + b".\r\n")
            stage = "reply"
            code, reply = smtp.getreply()
        except (smtplib.SMTPServerDisconnected, OSError) as exc:
            if stage == "reply":  # it may have arrived whole: sending it again now could double it
                self._drop()
                raise SmtpFailure(f"connection lost after the message was sent: {exc!r}"[:1000]) from exc
            raise _Gone(f"{exc!r} at {stage}") from exc
        if code != 250:
            self._refused(smtp, code, reply, "DATA")

    def _refused(self, smtp: smtplib.SMTP, code: int, reply, stage: str) -> None:
        if code == CLOSING:
            raise _Gone(f"{code} {_text(reply)} at {stage}", code)
        try:
            smtp.rset()  # the connection stays usable for the next mail
        except (smtplib.SMTPException, OSError):
            self._drop()
        what = "recipient refused: " if stage == "RCPT" else ""
        raise SmtpFailure(f"{what}{code} {_text(reply)}"[:1000], code, stage=stage)

    def _drop(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            smtp.close()

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()


def _text(reply) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
