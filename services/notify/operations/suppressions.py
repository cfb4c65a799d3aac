"""The suppression list: addresses that get no personal mail again (list posts are not personal,
see :mod:`services.notify.domain.mail_kinds`). An address comes on it when its person unsubscribes
(``ptghub.actions.person.unsubscribed``), when the server refuses it with a 5xx reply to RCPT (a
hard bounce of personal mail), or when an organiser puts it there; it leaves only when an
organiser deletes it. The mail loop checks the list just before it sends: a suppressed message is
not sent, and its status says so."""
from __future__ import annotations

import logging

from services.kit.auth import ORGANISER, require_role
from services.kit.db import UnitOfWork
from services.kit.logs import log
from services.kit.problems import Conflict

from .. import domain, store
from ..store import BOUNCED, MANUAL, UNSUBSCRIBED, Suppression

logger = logging.getLogger(__name__)

SUPPRESSED = domain.SUPPRESSED


# -- the organisers' list --------------------------------------------------------------------------

def list_suppressions(uow: UnitOfWork, who: dict, query: dict) -> tuple[list[Suppression], str | None]:
    require_role(who, ORGANISER)
    return store.list_suppressions(uow.session, reason=query.get("reason"), address=query.get("address"),
                                    limit=query["limit"], cursor=query["cursor"])


def add_suppression(uow: UnitOfWork, who: dict, data: dict) -> Suppression:
    """An organiser suppresses an address (reason ``manual`` unless given). 409 when it is on the
    list already (its reason and note are kept; delete it first to change them)."""
    require_role(who, ORGANISER)
    existing = store.get_suppression(uow.session, data["address"])
    if existing is not None:
        raise Conflict(f"{existing.address} is suppressed already ({existing.reason})",
                       errors={"address": [f"suppressed already: {existing.reason}"]})
    return store.add_suppression(uow.session, data["address"], data.get("reason") or MANUAL, data.get("note") or "",
                                 source=who.get("sub"))


def remove_suppression(uow: UnitOfWork, who: dict, address: str) -> None:
    """An organiser lifts a suppression: personal mail goes to the address again (mail suppressed
    before is not sent by itself; resend it)."""
    require_role(who, ORGANISER)
    uow.session.delete(store.require_suppression(uow.session, address))


# -- what puts an address on the list ---------------------------------------------------------------

def _keep(uow: UnitOfWork, address: str, reason: str, note: str, source: str | None) -> Suppression:
    """The address's entry: the one it has (its first reason stays), else a new one."""
    return store.get_suppression(uow.session, address) or store.add_suppression(
        uow.session, address, reason, note, source)


def record_bounce(uow: UnitOfWork, mail: store.OutgoingMail, reply: str) -> Suppression:
    """Personal mail refused with a 5xx reply to RCPT: the address gets no personal mail again."""
    log(logger, logging.WARNING, "address suppressed: hard bounce", message=mail.id, reply=reply[:200])
    return _keep(uow, mail.recipient, BOUNCED, reply, mail.id)


def record_unsubscribe(uow: UnitOfWork, person: dict) -> Suppression | None:
    """A person unsubscribed (the actions service's one-click link): their address is suppressed.
    None when the event names no usable address."""
    address = domain.mail_address(person.get("email"))
    if address is None:
        log(logger, logging.WARNING, "unsubscribe without a usable address", person=person.get("id"))
        return None
    return _keep(uow, address, UNSUBSCRIBED, "one-click unsubscribe", person.get("id"))


# -- the mail loop's check ------------------------------------------------------------------------

def suppress_claimed_mail(uow: UnitOfWork, claim: str, mail_id: str, reason: str) -> store.OutgoingMail | None:
    """Claimed personal mail to a suppressed address (for ``reason``): not sent, marked
    ``suppressed``. None when the claim is no longer this worker's."""
    mail = store.claimed_mail(uow.session, mail_id, claim)
    if mail is None:
        return None
    mail.claim = mail.claimed_until = None
    mail.status, mail.next_attempt_at = SUPPRESSED, None
    mail.last_error = f"not sent: the address is on the suppression list ({reason})"
    log(logger, logging.INFO, "suppressed address: mail not sent", message=mail.id, reason=reason)
    return mail
