"""Sending a message again (organisers): queued once more with a fresh attempt count and the
same Message-ID (a reader's client shows one message, and threads stay whole)."""
from __future__ import annotations

from services.kit.auth import ORGANISER, require_role
from services.kit.db import UnitOfWork, utcnow
from services.kit.problems import Conflict

from .. import domain, store
from ..domain import mail_kinds
from ..delivery.bells import MAIL_WAKE


def resend_message(uow: UnitOfWork, who: dict, message_id: str, force: bool = False) -> store.OutgoingMail:
    """Queue ``message_id`` again, due now, attempts from zero. 409 when the mail loop is sending
    it right now, when it was sent already and ``force`` is not given, and when it is personal
    mail to an address on the suppression list (delete the suppression first)."""
    require_role(who, ORGANISER)
    session = uow.session
    mail = store.get_mail(session, message_id, lock=True)
    now = utcnow()
    if mail.claim is not None and mail.claimed_until is not None and mail.claimed_until > now:
        raise Conflict("the message is being sent right now; look again in a moment", errors={"id": ["being sent"]})
    if mail.status == domain.SENT and not force:
        raise Conflict("the message was sent already; send {\"force\": true} to send it again",
                       errors={"force": ["required to send again a message that was sent"]})
    if mail_kinds.is_personal(mail.source_event_type):
        suppression = store.get_suppression(session, mail.recipient)
        if suppression is not None:
            raise Conflict(f"{suppression.address} is on the suppression list ({suppression.reason}); "
                           "delete the suppression first", errors={"recipient": [f"suppressed: {suppression.reason}"]})
    mail.status, mail.attempts, mail.next_attempt_at = domain.QUEUED, 0, now
    mail.last_code = mail.last_error = mail.sent_at = None
    mail.claim = mail.claimed_until = None
    session.flush()
    uow.ring(MAIL_WAKE)
    return mail
