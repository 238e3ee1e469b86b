"""Passwords: argon2id hashes, the policy a new one must meet, and stronger parameters
taking over at the next sign-in."""

import pytest

from app import create_app
from app.auth import services
from app.auth.models import Account
from app.auth.passwords import MAX_LENGTH, hash_password, password_problems, verify_password
from app.extensions import db
from tests.helpers.accounts import PASSWORD, make_account
from tests.helpers.database import make_config

#: Long, varied, in no list: what a sensible person picks.
GOOD = "amber-kettle-harbour-91"
COMMONEST = "This password is one of the commonest, which are tried first: choose another."


def test_a_hash_is_argon2id_salted_and_verifies_only_the_right_password(app):
    hashed = hash_password(PASSWORD)
    assert hashed.startswith("$argon2id$")
    assert PASSWORD not in hashed
    assert hash_password(PASSWORD) != hashed  # a new salt every time
    assert verify_password(hashed, PASSWORD)
    assert not verify_password(hashed, PASSWORD + " ")
    assert not verify_password(hashed, PASSWORD.upper())
    assert not verify_password(hashed, "")


def test_a_hash_uses_the_configured_parameters(app):
    config = app.config
    parameters = hash_password(PASSWORD).split("$")[3]
    assert (
        parameters
        == f"m={config['ARGON2_MEMORY_COST']},t={config['ARGON2_TIME_COST']},p={config['ARGON2_PARALLELISM']}"
    )


def test_an_account_without_a_password_matches_nothing_and_garbage_is_no_match(app):
    assert not verify_password(None, "")
    # The stand-in hash checked for an account without a password opens nothing either.
    assert not verify_password(None, "no account has this password")
    assert not verify_password("not an argon2 hash", PASSWORD)


def test_the_minimum_length_is_the_configured_one(app):
    minimum = app.config["PASSWORD_MIN_LENGTH"]
    assert minimum == 12
    assert password_problems(GOOD[:minimum]) == []
    assert password_problems(GOOD[: minimum - 1]) == [f"Choose a password of at least {minimum} characters."]


@pytest.mark.parametrize("config_overrides", [{"PASSWORD_MIN_LENGTH": 20}])
def test_a_longer_minimum_set_in_the_configuration_applies(app):
    assert password_problems(GOOD[:19]) == ["Choose a password of at least 20 characters."]
    assert password_problems(GOOD[:20]) == []


def test_a_password_over_the_maximum_is_refused(app):
    longest = (GOOD * 20)[:MAX_LENGTH]
    assert MAX_LENGTH == 256
    assert password_problems(longest) == []
    assert password_problems(longest + "x") == ["Choose a password of at most 256 characters."]


@pytest.mark.parametrize(
    "password",
    [
        "password1234",  # in zxcvbn's list as it is
        "qwerty123456",
        "1qaz2wsx3edc",
        "LeaveMeAlone",  # in the list, whatever the case
        "Password123!!",  # "password" with the usual decoration
        "Qwertyuiop2026!",  # "qwertyuiop" likewise
        "Sunshine_____",
        "abababababab",  # two characters, however long
        "zzzzzzzzzzzzzzzz",
    ],
)
def test_the_commonest_passwords_are_refused_even_decorated(app, password):
    assert password_problems(password) == [COMMONEST]


def test_a_common_word_inside_a_longer_passphrase_is_fine(app):
    assert password_problems("password-kettle-harbour") == []
    assert password_problems("12password34") == []


def test_a_password_containing_the_email_local_part_is_refused(app):
    refused = ["Choose a password that does not contain your email address."]
    assert password_problems("my-Amina.Osei-2026", "amina.osei@secretariat.example") == refused
    assert password_problems("xx-amina.osei-2026", "Amina.Osei@Secretariat.example") == refused
    # The same password for someone else is fine, and a local part too short to matter is ignored.
    assert password_problems("my-Amina.Osei-2026", "dawit@secretariat.example") == []
    assert password_problems("kettle-abe-harbour", "abe@secretariat.example") == []


def _stored_hash(account_id):
    db.session.expire_all()
    return db.session.get(Account, account_id).password_hash


def test_a_hash_made_with_older_parameters_is_replaced_at_the_next_sign_in(app, migrated, now):
    account = make_account()
    old_hash = account.password_hash
    assert services.sign_in(account.email, PASSWORD, now=now) is not None
    assert _stored_hash(account.id) == old_hash  # same parameters: left as it is
    db.session.commit()

    stronger = create_app(make_config(migrated, ARGON2_TIME_COST=app.config["ARGON2_TIME_COST"] + 1))
    with stronger.app_context():
        assert services.sign_in(account.email, "not the password", now=now) is None
        assert _stored_hash(account.id) == old_hash  # a failed sign-in changes nothing
        assert services.sign_in(account.email, PASSWORD, now=now) is not None
        db.session.remove()
        db.engine.dispose()

    new_hash = _stored_hash(account.id)
    assert new_hash != old_hash
    assert f"t={app.config['ARGON2_TIME_COST'] + 1}," in new_hash
    assert verify_password(new_hash, PASSWORD)
