"""A form sent back says so in its title, lists every error at the top as a link to its field,
and every message says what to do."""

import re

from tests.helpers.factories import make_open_meeting, make_registration
from tests.helpers.forms import form_data

REQUIRED = {
    "salutation": "Choose a salutation.",
    "first_name": "Enter your first name.",
    "last_name": "Enter your last name.",
    "email": "Enter your email address.",
    "delegation": "Choose the delegation you represent.",
    "position": "Enter your position or title.",
    "role": "Choose your role in the delegation.",
    "days-0": "Choose at least one day you will attend.",
}


def summary_links(html):
    block = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    assert block, "no error summary"
    return dict(re.findall(r'<li><a href="#([\w-]+)">([^<]+)</a></li>', block.group(0)))


def title(html):
    return re.search(r"<title>([^<]*)</title>", html).group(1)


def test_an_empty_form_lists_what_to_do_for_every_field_at_the_top(client):
    meeting = make_open_meeting()
    response = client.post(f"/meetings/{meeting.slug}/register", data={})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert title(html).startswith("Error: Register: ")
    assert list(summary_links(html).items()) == list(REQUIRED.items())  # in the order of the page
    assert 'tabindex="-1" autofocus' in html  # the browser moves focus to the summary
    for target in REQUIRED:
        assert f'id="{target}"' in html  # each link leads to its field
    assert "This field is required" not in html and "Not a valid" not in html


def test_bad_values_are_told_the_rule_they_break(client):
    meeting = make_open_meeting()
    data = form_data(
        meeting,
        delegation="state:XX",
        role="king",
        phone="call me",
        needs_visa_letter="y",
        nationality="XX",
        passport_number="AB 12",
        date_of_birth="yesterday",
        passport_expiry="2030-02-30",
        first_name="x" * 101,
    )
    html = client.post(f"/meetings/{meeting.slug}/register", data=data).get_data(as_text=True)
    links = summary_links(html)
    assert links["delegation"] == "Choose a member state or an organisation from the list."
    assert links["role"] == "Choose a role from the list."
    assert links["phone"].startswith("Enter a phone number with digits")
    assert links["nationality"] == "Choose a nationality from the list."
    assert links["passport_number"] == (
        "Enter the passport number as printed, without spaces or dashes: 5 to 30 letters and digits."
    )
    assert links["date_of_birth"] == "Enter your date of birth as a date, such as 1975-04-28."
    assert links["passport_expiry"] == "Enter the passport&#39;s expiry date as a date, such as 2031-05-01."
    assert links["first_name"] == "First name can be at most 100 characters long."


def test_a_rule_of_the_service_is_in_the_summary_too(client):
    meeting = make_open_meeting(delegation_quota=1)
    make_registration(meeting, delegation="state:ET")
    html = client.post(f"/meetings/{meeting.slug}/register", data=form_data(meeting, role="delegate")).get_data(
        as_text=True
    )
    assert summary_links(html) == {
        "delegation": "This delegation already has 1 confirmed delegates, the most this meeting allows per delegation."
    }


def test_a_page_without_errors_has_no_summary(client):
    meeting = make_open_meeting()
    html = client.get(f"/meetings/{meeting.slug}/register").get_data(as_text=True)
    assert "error-summary" not in html and not title(html).startswith("Error:")
