"""notify's SMTP client pipelines (RFC 2920) when a server offers PIPELINING: MAIL, RCPT and DATA go
in one write and their replies are read after, against a real aiosmtpd server on loopback that
offers it. A refused sender or recipient is refused at its own stage, the connection stays usable,
and a server without PIPELINING gets one command at a time."""
from __future__ import annotations

import pytest

from services.notify.transport.smtp import SmtpConnection, SmtpFailure

from ..infra import serving_smtp
from .conftest import SmtpSink

pytestmark = pytest.mark.integration

MESSAGE = b"Subject: kolla summary\r\n\r\n.a dot-led line\r\nWe agreed to drop Python 2.\r\n"


class Pipelining(SmtpSink):
    """Offers PIPELINING (or not); notes, for each RCPT, whether DATA had already arrived behind it
    (the client sent them together), and answers MAIL from ``refuse@`` with 550."""

    def __init__(self, offer: bool):
        super().__init__()
        self.offer = offer
        self.data_behind_rcpt: list[bool] = []

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        if self.offer:
            responses.insert(-1, "250-PIPELINING")
        return responses

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if address.startswith("refuse@"):
            return "550 5.7.1 sender refused"
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.data_behind_rcpt.append(b"DATA" in bytes(server._reader._buffer))
        return await super().handle_RCPT(server, session, envelope, address, rcpt_options)


@pytest.fixture(params=[True, False], ids=["pipelining", "one-command-at-a-time"])
def server(request):
    with serving_smtp(Pipelining(request.param), server_hostname="mx.test") as handler:
        yield handler


def test_mail_goes_whole_pipelined_when_offered_and_one_command_at_a_time_otherwise(server):
    connection = SmtpConnection(server.url)
    try:
        for number in range(5):
            connection.send("ptghub@ptg.example", f"list{number}@lists.example", MESSAGE)
    finally:
        connection.close()
    assert [m["to"] for m in server.messages] == [[f"list{n}@lists.example"] for n in range(5)]
    assert all(m["message"].get_content().splitlines() == [".a dot-led line", "We agreed to drop Python 2."]
               for m in server.messages)
    assert server.data_behind_rcpt == [server.offer] * 5
    assert connection.opened == 1


def test_refused_sender_and_recipient_are_refused_at_their_stage_and_the_connection_carries_on(server):
    server.replies["gone@example.com"] = ["550 5.1.1 no such user"]
    server.replies["later@example.com"] = ["451 4.3.0 try again later"]
    connection = SmtpConnection(server.url)
    try:
        with pytest.raises(SmtpFailure) as refused_rcpt:
            connection.send("ptghub@ptg.example", "gone@example.com", MESSAGE)
        assert (refused_rcpt.value.stage, refused_rcpt.value.code, refused_rcpt.value.bounced) == ("RCPT", 550, True)
        with pytest.raises(SmtpFailure) as deferred:
            connection.send("ptghub@ptg.example", "later@example.com", MESSAGE)
        assert (deferred.value.stage, deferred.value.code, deferred.value.bounced) == ("RCPT", 451, False)
        with pytest.raises(SmtpFailure) as refused_mail:
            connection.send("refuse@ptg.example", "mark@example.com", MESSAGE)
        assert (refused_mail.value.stage, refused_mail.value.code) == ("MAIL", 550)
        connection.send("ptghub@ptg.example", "mark@example.com", MESSAGE)
    finally:
        connection.close()
    assert [m["to"] for m in server.messages] == [["mark@example.com"]]
    assert connection.opened == 1
