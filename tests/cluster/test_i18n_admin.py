import shutil

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_pages_are_french_even_for_an_english_browser(client):
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert 'lang="fr"' in response.text
    assert "Se connecter" in response.text


@pytest.mark.skipif(shutil.which("msgfmt") is None,
                    reason="GNU gettext absent : traductions anglaises non compilées")
def test_language_switch_turns_the_pages_to_english(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    assert 'lang="en"' in response.text
    assert "Sign in" in response.text
    assert "The seven-step method" in response.text


def test_staff_reach_the_admin(client, staff):
    client.force_login(staff)
    assert client.get(reverse("admin:index")).status_code == 200
    response = client.get(reverse("admin:cluster_collective_changelist"))
    assert response.status_code == 200


@pytest.mark.parametrize("role", ["facilitator", "member_a", "member_b", "reviewer"])
def test_other_roles_do_not_reach_the_admin(client, cast, role):
    client.force_login(cast[role])
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_unknown_page_is_a_french_404(client):
    response = client.get("/nulle-part/")
    assert response.status_code == 404
    assert "Page introuvable" in response.text


def test_unknown_api_path_answers_json(client):
    response = client.get("/api/nulle-part/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Non trouvé.", "code": "not_found"}


@pytest.mark.skipif(shutil.which("msgfmt") is None,
                    reason="GNU gettext absent : traductions anglaises non compilées")
def test_token_lifetimes_follow_the_language(client, reviewer):
    client.force_login(reviewer)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "90 days" in client.get(reverse("profile")).text


def test_staff_home_speaks_to_the_coordinator(client, staff):
    client.force_login(staff)
    text = client.get(reverse("home")).text
    assert "coordination nationale" in text
    assert "Demandez à l'animateur·rice" not in text


@pytest.mark.skipif(shutil.which("msgfmt") is None,
                    reason="GNU gettext absent : traductions anglaises non compilées")
def test_a_word_with_two_meanings_gets_two_translations():
    from django.utils import translation

    with translation.override("en"):
        # An indicator's starting value in the tables, a member leaving in the community.
        assert translation.pgettext("valeur de départ d'un indicateur", "Départ") == "Baseline"
        assert translation.gettext("Départ") == "Departure"
