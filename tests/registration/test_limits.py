"""Form posts are limited per client address, in memory and in the Redis every instance
shares; a refused post is a clear 429 that changes nothing, and a Redis outage is not a 500.

The Redis tests use the real server at TEST_REDIS_URL (default 127.0.0.1:6379, database 15)
with a key prefix of their own; `.ci/run` starts Redis when it is down, so they always run there.
"""

import os
import secrets

import pytest
import redis
from sqlalchemy import func, select

from app import create_app
from app.extensions import db
from app.mail.outbox import OutboxMessage
from app.registration.models import Registration
from tests.helpers.database import make_config
from tests.helpers.factories import make_open_meeting, make_registration
from tests.helpers.forms import form_data, link_in
from tests.helpers.outbox import queued

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
LIMIT = "3 per minute"


def _redis_up() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


needs_redis = pytest.mark.skipif(
    not os.environ.get("CI") and not _redis_up(),
    reason=f"no Redis at {REDIS_URL} (in CI it is started, and this never skips)",
)


def limits(storage):
    return {
        "RATELIMIT_ENABLED": True,
        "RATE_LIMIT_FORM_POSTS": LIMIT,
        "RATELIMIT_STORAGE_URI": storage,
        "RATELIMIT_KEY_PREFIX": f"test-{secrets.token_hex(4)}",
    }


def state():
    db.session.expire_all()
    return (
        db.session.scalar(select(func.count(Registration.id))),
        db.session.scalar(select(func.count(OutboxMessage.id))),
    )


def post_until_refused(client, meeting, tries=6):
    codes = []
    for number in range(tries):
        codes.append(
            client.post(
                f"/meetings/{meeting.slug}/register", data=form_data(meeting, email=f"flood{number}@mfa.example")
            ).status_code
        )
    return codes


def _check_refusal(client, meeting):
    assert post_until_refused(client, meeting, 3) == [302, 302, 302]
    before = state()
    refused = client.post(f"/meetings/{meeting.slug}/register", data=form_data(meeting, email="more@mfa.example"))
    assert refused.status_code == 429
    assert "too many times" in refused.text and "<html" in refused.text
    assert refused.headers.get("Retry-After")
    assert state() == before
    assert client.get(f"/meetings/{meeting.slug}/register").status_code == 200  # reading is never limited


@pytest.mark.parametrize("config_overrides", [limits("memory://")])
def test_form_posts_are_limited_per_address_in_memory(client):
    _check_refusal(client, make_open_meeting())


@needs_redis
@pytest.mark.parametrize("config_overrides", [limits(REDIS_URL)])
def test_form_posts_are_limited_in_redis(client):
    _check_refusal(client, make_open_meeting())


@needs_redis
@pytest.mark.parametrize("config_overrides", [limits(REDIS_URL)])
def test_every_instance_counts_against_the_same_limit(app, client, migrated, config_overrides):
    meeting = make_open_meeting()
    other = create_app(make_config(migrated, **config_overrides)).test_client()
    assert post_until_refused(client, meeting, 2) == [302, 302]
    codes = [
        other.post(
            f"/meetings/{meeting.slug}/register", data=form_data(meeting, email=f"other{n}@mfa.example")
        ).status_code
        for n in range(2)
    ]
    assert codes == [302, 429]


@pytest.mark.parametrize("config_overrides", [limits("redis://127.0.0.1:1/0")])
def test_a_redis_outage_falls_back_to_memory_and_is_never_a_500(client):
    _check_refusal(client, make_open_meeting())


@pytest.mark.parametrize("config_overrides", [limits("memory://")])
def test_the_confirmation_and_manage_posts_share_the_limit(client):
    meeting = make_open_meeting()
    make_registration(meeting, email="manage@mfa.example")
    manage = link_in(queued("manage@mfa.example")[-1].text, "registration")
    codes = [client.post(manage, data=form_data(meeting, email=None)).status_code for _ in range(3)]
    assert codes == [302, 302, 302]
    assert client.post(f"{manage}/cancel").status_code == 429
    assert db.session.scalar(select(Registration.status)).value == "confirmed"
    assert client.post(f"/meetings/{meeting.slug}/new-link", data={"email": "manage@mfa.example"}).status_code == 429
