"""``flask delegations``: what an admin uses until the back office has a page."""

from app.delegations.models import Standing
from app.delegations.services import get_delegation
from app.extensions import db


def test_list_shows_keys_standing_and_both_names(runner):
    result = runner.invoke(args=["delegations", "list", "--steering-committee"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert len(lines) == 13
    assert any(line.startswith("state:ER") and "Eritrea / Érythrée" in line for line in lines)
    members = runner.invoke(args=["delegations", "list", "--standing", "member"]).output.splitlines()
    assert len(members) == 41


def test_add_and_edit_an_organisation(runner):
    added = runner.invoke(
        args=[
            "delegations",
            "add",
            "org:OIF",
            "--name-en",
            "International Organisation of La Francophonie",
            "--name-fr",
            "Organisation internationale de la Francophonie",
            "--acronym-en",
            "OIF",
            "--standing",
            "observer",
        ]
    )
    assert added.exit_code == 0, added.output
    assert "Added org:OIF" in added.output
    edited = runner.invoke(
        args=["delegations", "edit", "org:OIF", "--steering-committee", "--name-en", "La Francophonie"]
    )
    assert edited.exit_code == 0, edited.output
    db.session.expire_all()
    delegation = get_delegation("org:OIF")
    assert (delegation.standing, delegation.steering_committee) == (Standing.OBSERVER, True)
    assert delegation.display_name("en") == "La Francophonie (OIF)"
    assert delegation.display_name("fr") == "Organisation internationale de la Francophonie (OIF)"
    retired = runner.invoke(args=["delegations", "edit", "org:OIF", "--retire"])
    assert retired.exit_code == 0 and not get_delegation("org:OIF").active


def test_bad_input_is_refused_with_a_message_and_changes_nothing(runner):
    unknown = runner.invoke(args=["delegations", "edit", "state:ZZ", "--name-en", "Nowhere"])
    assert unknown.exit_code == 1 and "No delegation state:ZZ" in unknown.output
    bad_key = runner.invoke(args=["delegations", "add", "iom", "--name-en", "Again"])
    assert bad_key.exit_code == 1 and "org: and its acronym" in bad_key.output
    states_are_not_institutions = runner.invoke(args=["delegations", "edit", "state:KE", "--standing", "institution"])
    assert states_are_not_institutions.exit_code == 1
    assert get_delegation("state:KE").standing is Standing.MEMBER
    empty_name = runner.invoke(args=["delegations", "edit", "state:KE", "--name-fr", " "])
    assert empty_name.exit_code == 1 and get_delegation("state:KE").name("fr") == "Kenya"


def test_seed_adds_nothing_to_a_seeded_table(runner):
    result = runner.invoke(args=["delegations", "seed"])
    assert result.exit_code == 0 and "Added 0 delegation(s)." in result.output
