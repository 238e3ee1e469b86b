"""The registration form's caches: its long choice lists and their rendered selects are kept per
process, and text in one language is never served for another."""

from datetime import UTC, datetime

import pytest
from wtforms.fields.choices import SelectChoice

from app.registration import forms
from tests.helpers.factories import make_open_meeting


@pytest.fixture
def empty_caches():
    def empty():
        for cache in (forms._delegation_choices, forms._nationality_choices):
            cache.cache_clear()
        forms.LongSelect._rendered.clear()

    empty()
    yield
    empty()


def form_in(app, language, meeting):
    with app.test_request_context(f"/meetings/{meeting.slug}/register?lang={language}"):
        return forms.RegistrationForm(meeting, now=datetime.now(UTC))


def labels(choices, group=None):
    return [c.label for c in choices if c.value and (group is None or c.optgroup == group)]


def test_the_choice_lists_are_kept_per_language(app, empty_caches):
    meeting = make_open_meeting()
    for _ in range(2):  # built, then taken from the caches
        english, french = form_in(app, "en", meeting), form_in(app, "fr", meeting)
        assert labels(english.delegation.choices, "Members of the Process")[:3] == ["Austria", "Belgium", "Bulgaria"]
        assert labels(french.delegation.choices, "Members of the Process")[:3] == ["Allemagne", "Autriche", "Belgique"]
        assert labels(english.nationality.choices)[:3] == ["Afghanistan", "Åland Islands", "Albania"]
        assert labels(french.nationality.choices)[:3] == ["Afghanistan", "Afrique du Sud", "Albanie"]
    assert forms._delegation_choices.cache_info().currsize == 2
    assert forms._nationality_choices.cache_info().currsize == 2


def test_a_rendered_select_is_kept_per_language(app, empty_caches):
    meeting = make_open_meeting()
    for _ in range(2):  # rendered, then taken from the cache
        for language in ("fr", "en"):
            with app.test_request_context(f"/meetings/{meeting.slug}/register?lang={language}"):
                form = forms.RegistrationForm(meeting, now=datetime.now(UTC))
                form.nationality.choices = [SelectChoice("ET", f"Ethiopia [{language}]")]  # as translated
                html = form.nationality()
            assert f"Ethiopia [{language}]" in html and html.count("Ethiopia") == 1
    assert len(forms.LongSelect._rendered) == 2
