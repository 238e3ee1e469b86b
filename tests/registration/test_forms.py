"""The registration form's caches: its long choice lists and their rendered selects are kept per
process, and text in one language is never served for another."""

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from wtforms.fields.choices import SelectChoice

from app.locale import resolve_locale
from app.registration import forms
from tests.helpers.factories import make_open_meeting


class _CountriesNamingTheReader:
    """Two countries whose names say the reader's language, as translated names would differ."""

    def __iter__(self):
        for code, name in (("ET", "Ethiopia"), ("IT", "Italy")):
            yield SimpleNamespace(alpha_2=code, name=f"{name} [{resolve_locale()}]")


@pytest.fixture
def empty_caches():
    def empty():
        for cache in (forms._countries, forms._delegation_choices, forms._nationality_choices):
            cache.cache_clear()
        forms.LongSelect._rendered.clear()

    empty()
    yield
    empty()


def form_in(app, language, meeting):
    with app.test_request_context(f"/meetings/{meeting.slug}/register?lang={language}"):
        return forms.RegistrationForm(meeting, now=datetime.now(UTC))


def test_the_choice_lists_are_kept_per_language(app, monkeypatch, empty_caches):
    monkeypatch.setattr(forms, "pycountry", SimpleNamespace(countries=_CountriesNamingTheReader()))
    meeting = make_open_meeting()
    for _ in range(2):  # built, then taken from the caches
        for language in ("fr", "en", "ar"):
            form = form_in(app, language, meeting)
            assert [c.label for c in form.delegation.choices][1:3] == [f"Ethiopia [{language}]", f"Italy [{language}]"]
            assert [c.label for c in form.nationality.choices][1:] == [f"Ethiopia [{language}]", f"Italy [{language}]"]
    assert forms._countries.cache_info().currsize == 3


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
