"""The site's frame, its error pages and its shared messages in French; English as before."""

import pytest

from app import text
from app.locale import writing_in

NBSP = "\u00a0"


def test_the_frame_is_in_french_with_each_language_named_in_its_own(client):
    page = client.get("/no-such-page?lang=fr").text  # a page all of the frame's own
    assert '<html lang="fr">' in page
    assert ">Aller au contenu</a>" in page
    assert '<nav aria-label="Menu principal">' in page and ">Réunions à venir</a>" in page
    assert ">Réunions passées</a>" in page and '<nav class="languages" aria-label="Langue">' in page
    assert ">Secrétariat du Processus de Khartoum</a>" in page and "Khartoum Process Secretariat" not in page
    assert 'lang="en" hreflang="en">English</a>' in page and 'aria-current="true">Français</a>' in page


def test_the_english_frame_is_unchanged(app, client):
    page = client.get("/privacy").text
    assert '<html lang="en">' in page and ">Skip to content</a>" in page and ">Upcoming meetings</a>" in page
    assert f">{app.config['SECRETARIAT_NAME']}</a>" in page


def test_an_arabic_reader_gets_the_english_frame(client):
    page = client.get("/privacy?lang=ar").text
    assert '<html lang="en">' in page and ">Skip to content</a>" in page


@pytest.mark.parametrize(
    ("path", "method", "status", "title", "description"),
    [
        ("/no-such-page", "get", 404, "Page introuvable", "L’adresse demandée n’existe pas sur ce serveur."),
        ("/meetings/archive", "delete", 405, "Méthode non autorisée", "Cette méthode n’est pas autorisée"),
        ("/language/xx", "get", 404, "Page introuvable", "Le site n’est pas proposé dans cette langue."),
    ],
)
def test_error_pages_are_in_the_readers_language(client, path, method, status, title, description):
    client.set_cookie("lang", "fr")  # the remembered choice
    response = getattr(client, method)(path)
    assert response.status_code == status
    assert f"<title>{title} · " in response.text and f"<h1>{title}</h1>" in response.text
    assert description in response.text
    assert "Consultez les <a href=" in response.text and ">réunions passées</a>." in response.text


def test_an_unexpected_error_is_in_french_too(app, client):
    @app.get("/fails")
    def fails():
        raise RuntimeError("a bug")

    response = client.get("/fails?lang=fr")
    assert response.status_code == 500 and "<h1>Erreur interne du serveur</h1>" in response.text


def test_an_english_error_page_keeps_werkzeugs_words(client):
    response = client.get("/no-such-page")
    assert "<h1>Not Found</h1>" in response.text and "If you entered the URL manually" in response.text


def test_the_api_answers_errors_in_english_whoever_asks(client):
    response = client.get("/api/v1/no-such-thing?lang=fr", headers={"Accept-Language": "fr"})
    assert response.status_code == 404 and "not found" in response.json["error"]["message"]


def test_clean_text_and_address_problems_are_in_the_writers_language(app):
    with app.app_context(), writing_in("fr"):
        assert text.single_line_problem("a\nb").startswith("Écrivez sur une seule ligne")
        assert text.multi_line_problem("a\u202eb").startswith("Retirez de ce texte")
        with pytest.raises(text.InvalidEmail, match="Saisissez une adresse électronique valide"):
            text.canonical_email("not an address")
        with pytest.raises(text.InvalidEmail, match=f"ponctuation{NBSP}: une adresse accentuée"):
            text.canonical_email("andré@example.org")
    assert text.single_line_problem("a\nb").startswith("Use a single line")  # English outside
