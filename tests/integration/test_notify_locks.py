"""Notify's row locks on the real PostgreSQL: recording a webhook outcome (which locks its
subscription) does not hold up the consumer queueing the next delivery for that subscription."""
import pytest
import sqlalchemy as sa

from services.kit.db import Database, utcnow
from services.notify import domain, store

pytestmark = pytest.mark.integration


@pytest.fixture
def database(infra):
    database = Database(infra.database_url("notifylocks"), store.Base.metadata, source="/ptghub/notify", wake=False)
    store.Base.metadata.create_all(database.engine)
    yield database
    database.dispose()


def delivery(subscription_id: str, event_id: str) -> store.WebhookDelivery:
    return store.WebhookDelivery(subscription_id=subscription_id, event_id=event_id, event_type="ptghub.test",
                                 payload="{}", status=domain.PENDING, attempts=0, next_attempt_at=utcnow())


def test_a_delivery_is_queued_while_an_outcome_of_its_subscription_is_being_recorded(database):
    with database.sessions() as session:
        subscription = store.WebhookSubscription(owner="tok-1", url="https://hooks.example/x", secret="whsec_x",
                                                 event_types=["ptghub.#"])
        session.add(subscription)
        session.commit()
        subscription_id = subscription.id
    with database.sessions() as recorder, database.sessions() as consumer:
        assert store.locked_subscription(recorder, subscription_id) is not None  # held until commit
        consumer.execute(sa.text("SET LOCAL lock_timeout = '2s'"))
        consumer.add(delivery(subscription_id, "e-1"))
        consumer.commit()  # no LockNotAvailable: the foreign key's KEY SHARE does not wait for it
        recorder.commit()
    with database.sessions() as session:
        assert session.scalars(sa.select(store.WebhookDelivery.subscription_id).where(
            store.WebhookDelivery.event_id == "e-1")).all() == [subscription_id]
