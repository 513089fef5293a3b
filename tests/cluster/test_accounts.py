import re

import pytest
from django.core import mail
from django.urls import reverse

from cluster.models import User

pytestmark = pytest.mark.django_db


def test_sign_in_with_any_capitalisation_of_the_email(client, facilitator, password):
    response = client.post(
        reverse("login"), {"username": "Animatrice@Exemple.FR", "password": password}
    )
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.get(reverse("home")).context["user"] == facilitator


def test_wrong_password_is_refused_in_french(client, facilitator):
    response = client.post(
        reverse("login"), {"username": facilitator.email, "password": "pas-le-bon"}
    )
    assert response.status_code == 200
    assert "Adresse e-mail ou mot de passe incorrect" in response.text
    assert "_auth_user_id" not in client.session


def test_sign_out_needs_a_post(client, facilitator):
    client.force_login(facilitator)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_emails_are_unique_whatever_their_case(facilitator):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(email="ANIMATRICE@exemple.fr", password="x")


def test_password_reset_sends_a_working_link(client, member_a, settings,
                                            django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://clusters.example.org"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": member_a.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [member_a.email]
    assert message.subject == "Choisir un nouveau mot de passe"
    link = re.search(r"https://clusters\.example\.org(/\S+)", message.body).group(1)

    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    new_password = "un-nouveau-secret-2026"
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 302
    member_a.refresh_from_db()
    assert member_a.check_password(new_password)


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client):
    response = client.post(reverse("password_reset"), {"email": "inconnu@exemple.fr"}, follow=True)
    assert "Vérifiez votre messagerie" in response.text
    assert mail.outbox == []


def test_profile_requires_sign_in(client):
    response = client.get(reverse("profile"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_profile_shows_every_role_of_the_person(client, facilitator, funder, collective_b):
    from cluster.models import Membership
    from funding.models import FunderMember

    Membership.objects.create(user=facilitator, collective=collective_b)
    FunderMember.objects.create(user=facilitator, funder=funder)
    client.force_login(facilitator)
    response = client.get(reverse("profile"))
    assert "Animateur·rice — Collectif porteur Aix-Marseille-Provence" in response.text
    assert "Membre — Collectif porteur Lyon-Métropole" in response.text
    assert "Instructeur·rice — Le French Impact" in response.text


def test_profile_update_and_its_bad_input(client, member_a):
    client.force_login(member_a)
    response = client.post(reverse("profile"), {"first_name": "Zoé", "last_name": "Durand"})
    assert response.status_code == 302
    member_a.refresh_from_db()
    assert (member_a.first_name, member_a.last_name) == ("Zoé", "Durand")

    response = client.post(reverse("profile"), {"first_name": "x" * 200, "last_name": "Y"})
    assert response.status_code == 200
    assert "Assurez-vous que cette valeur comporte au plus 150 caractères" in response.text
    member_a.refresh_from_db()
    assert member_a.last_name == "Durand"
