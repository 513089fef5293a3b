import pytest
from django.urls import reverse

from cluster.models import Membership
from tests.cluster.factories import CollectiveFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_anonymous_visitor_is_invited_to_sign_in(client, collective_a, collective_b):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert 'lang="fr"' in response.text
    assert "Se connecter" in response.text
    assert "2 collectifs porteurs sur la plateforme." in response.text


def test_facilitator_sees_their_collective_and_role(client, facilitator):
    client.force_login(facilitator)
    response = client.get(reverse("home"))
    assert "Bonjour Camille Martin" in response.text
    assert "Collectif porteur Aix-Marseille-Provence" in response.text
    assert "animateur·rice" in response.text


def test_reviewer_sees_their_funder(client, reviewer):
    client.force_login(reviewer)
    assert "Vous instruisez les dossiers de" in client.get(reverse("home")).text


def test_person_without_role_is_told_what_to_do_next(client):
    client.force_login(UserFactory())
    text = client.get(reverse("home")).text
    assert "Je lance un cluster sur mon territoire" in text
    assert "Je rejoins un collectif" in text


def test_home_query_count_does_not_grow_with_memberships(client, django_assert_max_num_queries):
    user = UserFactory()
    client.force_login(user)
    MembershipFactory(user=user)
    # Six for the person, five for the network: territories, labels, one count per map layer.
    with django_assert_max_num_queries(11) as few:
        client.get(reverse("home"))
    for _ in range(15):
        MembershipFactory(user=user, collective=CollectiveFactory(),
                          role=Membership.Role.FACILITATOR)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("home"))
    assert response.text.count("badge") == 16


def test_a_reviewer_finds_the_dossiers_to_review_from_the_home_page(client, reviewer):
    from django.urls import reverse

    client.force_login(reviewer)
    text = client.get(reverse("home")).content.decode()
    assert reverse("funding:review_list") in text
    assert "Dossiers à instruire" in text
