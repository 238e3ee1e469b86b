"""A French-speaking delegate registers, confirms, manages and cancels in French, errors included;
the registration keeps its language, which the delegate can change from the manage page."""

import re
from html import unescape

from flask_babel import force_locale

from app.extensions import db
from app.registration.models import DelegateRole, Registration, RegistrationStatus
from tests.helpers.factories import make_open_meeting, make_registration
from tests.helpers.forms import form_data, link_in, select_options
from tests.helpers.outbox import queued

NBSP = "\u00a0"
#: What the empty form asks for, field by field, in the order of the page.
REQUIRED_FR = {
    "salutation": "Choisissez votre civilité.",
    "first_name": "Saisissez votre prénom.",
    "last_name": "Saisissez votre nom.",
    "email": "Saisissez votre adresse électronique.",
    "delegation": "Choisissez la délégation que vous représentez.",
    "position": "Saisissez votre poste ou votre titre.",
    "role": "Choisissez votre rôle dans la délégation.",
    "days-0": "Choisissez au moins un jour de présence.",
}
#: Interface English that must not appear on a French page of the registration.
ENGLISH = (
    "First name",
    "Last name",
    "Salutation",
    "Register",
    "Choose…",
    "There is a problem",
    "Check your email",
    "Your registration",
    "Confirm my registration",
    "Save my details",
    "Cancel my registration",
    "Visa invitation letter",
    "(optional)",
)


def text_of(response):
    return unescape(response.get_data(as_text=True))


def language_of(html):
    return re.search(r'<html lang="([a-z]+)"', html).group(1)


def title(html):
    return re.search(r"<title>([^<]*)</title>", html).group(1)


def summary(html):
    block = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    assert block, "no error summary"
    return dict(re.findall(r'<li><a href="#([\w-]+)">([^<]+)</a></li>', block.group(0)))


def in_french(path):
    return path + ("&" if "?" in path else "?") + "lang=fr"


def assert_french(html):
    assert language_of(html) == "fr"
    assert [word for word in ENGLISH if word in html] == []


def test_the_form_is_in_french(client):
    meeting = make_open_meeting()
    response = client.get(f"/meetings/{meeting.slug}/register?lang=fr")
    html = text_of(response)
    assert response.status_code == 200
    assert_french(html)
    assert title(html).startswith(f"Inscription{NBSP}: {meeting.title}")
    for label in ("Civilité", "Prénom", "Nom", "Délégation", "Rôle dans la délégation", "Téléphone (facultatif)"):
        assert f">{label}</label>" in html
    assert "J’ai besoin d’une lettre d’invitation pour le visa" in html
    salutations = select_options(html, "salutation")[None]
    assert salutations == ["M.", "Mme", "Mx", "Dr", "Pr", "S.E."]
    assert select_options(html, "role")[None][0] == "Chef de délégation"
    assert '<option selected value="">Choisir…</option>' in html or ">Choisir…</option>" in html


def test_an_empty_french_form_says_in_french_what_to_do_for_every_field(client):
    meeting = make_open_meeting()
    response = client.post(f"/meetings/{meeting.slug}/register?lang=fr", data={})
    html = text_of(response)
    assert response.status_code == 400
    assert_french(html)
    assert title(html).startswith(f"Erreur{NBSP}: Inscription{NBSP}: ")
    assert "Un problème est survenu" in html
    assert list(summary(html).items()) == list(REQUIRED_FR.items())
    # Beside each field too.
    assert '<p class="field-error" id="first_name-error">Saisissez votre prénom.</p>' in html


def test_bad_values_are_refused_in_french(client):
    meeting = make_open_meeting()
    data = form_data(
        meeting,
        role="king",
        phone="call me",
        needs_visa_letter="y",
        nationality="ET",
        passport_number="AB 12",
        date_of_birth="yesterday",
        passport_expiry="2030-02-30",
        first_name="x" * 101,
        email="not-an-address",
    )
    links = summary(text_of(client.post(f"/meetings/{meeting.slug}/register?lang=fr", data=data)))
    assert links["first_name"] == f"Prénom{NBSP}: 100 caractères au maximum."
    assert links["role"] == "Choisissez un rôle dans la liste."
    assert links["phone"].startswith("Saisissez un numéro de téléphone")
    assert links["passport_number"].startswith("Saisissez le numéro de passeport tel qu’il est imprimé")
    assert links["date_of_birth"] == "Saisissez votre date de naissance sous forme de date, par exemple 1975-04-28."
    assert links["passport_expiry"] == (
        "Saisissez la date d’expiration du passeport sous forme de date, par exemple 2031-05-01."
    )


def test_the_services_rules_and_the_visa_rules_speak_french(client):
    meeting = make_open_meeting(delegation_quota=1)
    make_registration(meeting, delegation="state:ET")
    data = form_data(meeting, role="delegate", needs_visa_letter="y")
    links = summary(text_of(client.post(f"/meetings/{meeting.slug}/register?lang=fr", data=data)))
    assert links["nationality"] == (
        f"Choisissez votre nationalité{NBSP}: elle doit figurer sur la lettre d’invitation pour le visa."
    )
    data = form_data(meeting, role="delegate")
    links = summary(text_of(client.post(f"/meetings/{meeting.slug}/register?lang=fr", data=data)))
    assert links["delegation"] == (
        "Cette délégation a déjà atteint le nombre maximal de délégués confirmés que cette réunion autorise "
        "par délégation (1)."
    )


def test_a_french_delegate_registers_confirms_manages_and_cancels_in_french(client):
    meeting = make_open_meeting()
    email = "awa.diop@mfa.example"
    response = client.post(f"/meetings/{meeting.slug}/register?lang=fr", data=form_data(meeting, email=email))
    assert response.status_code == 302
    registration = db.session.query(Registration).filter_by(email=email).one()
    assert registration.language == "fr"

    check = text_of(client.get(response.location))
    assert_french(check)
    assert (
        "Consultez votre messagerie" in check and f"Nous avons envoyé un courriel à <strong>{email}</strong>." in check
    )

    confirm_path = in_french(link_in(queued(email)[-1].text, "confirm"))
    confirm = text_of(client.get(confirm_path))
    assert_french(confirm)
    assert "Confirmer mon inscription" in confirm
    assert re.search(
        f"Dr Dawit Bekele, [^<]+{NBSP}: confirmez votre adresse pour finaliser votre inscription.", confirm
    )

    manage = client.post(confirm_path, follow_redirects=True)
    html = text_of(manage)
    assert_french(html)
    assert "Votre adresse est confirmée." in html and "Votre place est confirmée." in html
    assert "<strong>Confirmée</strong>" in html
    assert ">Langue de vos courriels</label>" in html

    manage_path = link_in(queued(email)[-1].text, "registration")
    cancel = text_of(client.get(in_french(f"{manage_path}/cancel")))
    assert_french(cancel)
    assert "Annuler votre inscription" + NBSP + "?" in cancel and "Oui, annuler mon inscription" in cancel
    done = text_of(client.post(in_french(f"{manage_path}/cancel"), follow_redirects=True))
    assert "Votre inscription a été annulée." in done and "Cette inscription est annulée." in done
    assert_french(done)


def test_the_delegate_changes_the_language_of_their_emails_from_the_manage_page(client):
    meeting = make_open_meeting()
    email = "dawit.bekele@mfa.example"
    client.post(f"/meetings/{meeting.slug}/register", data=form_data(meeting, email=email))
    client.post(link_in(queued(email)[-1].text, "confirm"))
    manage_path = link_in(queued(email)[-1].text, "registration")
    registration = db.session.query(Registration).filter_by(email=email).one()
    assert registration.language == "en" and language_of(queued(email)[-1].html) == "en"

    page = text_of(client.get(manage_path))
    assert ">Language of your emails</label>" in page
    assert select_options(page, "language")[None] == ["English", "Français"]
    assert '<option selected value="en">English</option>' in page

    sent = len(queued(email))
    saved = client.post(manage_path, data=form_data(meeting, email=None, language="fr"))
    assert saved.status_code == 302
    db.session.refresh(registration)
    assert registration.language == "fr"
    # The invite is re-sent in the new language, and every later email is French too.
    assert [language_of(m.html) for m in queued(email)[sent:]] == ["fr"]
    assert '<option selected value="fr">Français</option>' in text_of(client.get(manage_path))
    client.post(f"{manage_path}/cancel")
    assert language_of(queued(email)[-1].html) == "fr"


def test_a_manage_form_without_the_language_keeps_it_and_an_unknown_one_is_refused(client):
    meeting = make_open_meeting()
    email = "awa.diop@mfa.example"
    client.post(f"/meetings/{meeting.slug}/register?lang=fr", data=form_data(meeting, email=email))
    client.post(link_in(queued(email)[-1].text, "confirm"))
    manage_path = link_in(queued(email)[-1].text, "registration")
    registration = db.session.query(Registration).filter_by(email=email).one()

    assert client.post(manage_path, data=form_data(meeting, email=None, position="Ambassador")).status_code == 302
    db.session.refresh(registration)
    assert (registration.position, registration.language) == ("Ambassador", "fr")

    refused = client.post(in_french(manage_path), data=form_data(meeting, email=None, language="ar"))
    assert refused.status_code == 400
    assert summary(text_of(refused))["language"] == "Choisissez une langue dans la liste."
    db.session.refresh(registration)
    assert registration.language == "fr"


def test_the_english_pages_do_not_change(client):
    meeting = make_open_meeting()
    html = text_of(client.get(f"/meetings/{meeting.slug}/register"))
    assert language_of(html) == "en"
    assert ">First name</label>" in html and "Prénom" not in html and "Saisissez" not in html
    assert select_options(html, "salutation")[None] == ["Mr", "Ms", "Mx", "Dr", "Prof.", "H.E."]
    assert 'name="language"' not in html  # the registration takes the language of its form


def test_labels_bound_at_import_follow_the_reader(app):
    with app.test_request_context("/"):
        assert str(DelegateRole.HEAD.label) == "Head of delegation"
        assert str(RegistrationStatus.WAITLISTED.label) == "On the waiting list"
        with force_locale("fr"):
            assert str(DelegateRole.HEAD.label) == "Chef de délégation"
            assert str(RegistrationStatus.WAITLISTED.label) == "Sur la liste d’attente"
