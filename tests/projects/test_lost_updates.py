"""Two people edit the same project or event: the second save never erases the first.

Each edit carries the version it started from (a hidden input, or `version` in the API);
a save made from an outdated version is refused with what changed since.
"""


import pytest
from django.urls import reverse

from projects.models import Event, Project
from projects.services import project_move_stage, registration_create
from tests.editing import form_data, signed_in
from tests.helpers import page_text
from tests.projects.factories import EventFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(cluster):
    return ProjectFactory(cluster=cluster, title="Cantine bio", slug="cantine-bio")


@pytest.fixture
def event(cluster):
    return EventFactory(cluster=cluster, title="Forum des projets", capacity=50)


# Projects ------------------------------------------------------------------------------------

def test_the_second_save_of_a_project_is_refused_and_the_first_is_kept(
        project, facilitator, member_a):
    url = reverse("projects:update", args=[project.slug])
    first, second = signed_in(facilitator), signed_in(member_a)
    camille, dominique = form_data(first.get(url)), form_data(second.get(url))

    assert first.post(url, {**camille, "summary": "Des repas bio pour 3 000 élèves."}
                      ).status_code == 302
    response = second.post(url, {**dominique, "expected_outcomes": "Moins de gaspillage."})

    assert response.status_code == 409
    text = page_text(response)
    assert "Quelqu'un a modifié ce projet" in text
    assert "Résumé vaut maintenant : « Des repas bio pour 3 000 élèves. »" in text
    project.refresh_from_db()
    assert project.summary == "Des repas bio pour 3 000 élèves."
    assert project.expected_outcomes == "" and project.version == 2


def test_a_stage_move_does_not_make_the_edit_page_stale(project, facilitator, member_a):
    url = reverse("projects:update", args=[project.slug])
    client = signed_in(member_a)
    data = form_data(client.get(url))
    project_move_stage(project=project, to_stage=Project.Stage.PROTOTYPE, reason="Comité",
                       on=project.first_day(), by=facilitator)
    assert client.post(url, {**data, "summary": "Nouveau résumé."}).status_code == 302
    project.refresh_from_db()
    assert project.stage == Project.Stage.PROTOTYPE and project.summary == "Nouveau résumé."


def test_the_api_refuses_the_second_change_of_a_project(project, facilitator, member_a):
    url = reverse("api:project-detail", args=[project.slug])
    first, second = signed_in(facilitator), signed_in(member_a)
    read = second.get(url).json()["version"]
    assert read == 1
    changed = first.patch(url, {"title": "Cantine bio et locale", "version": read},
                          content_type="application/json")
    assert changed.status_code == 200 and changed.json()["version"] == 2
    refused = second.patch(url, {"summary": "Autre résumé", "version": read},
                           content_type="application/json")
    assert refused.status_code == 409
    assert refused.json()["code"] == "edit_conflict"
    assert "Quelqu'un a modifié ce projet" in refused.json()["detail"]
    project.refresh_from_db()
    assert project.title == "Cantine bio et locale"
    assert project.summary == "Un projet de la communauté." and project.version == 2


@pytest.mark.parametrize("version", ["deux", 0, None, 2**31])
def test_a_broken_project_version_in_the_api_is_a_400(client, member_a, project, version):
    client.force_login(member_a)
    response = client.patch(reverse("api:project-detail", args=[project.slug]),
                            {"title": "Autre", "version": version},
                            content_type="application/json")
    assert response.status_code == 400 and "version" in response.json()["errors"]
    project.refresh_from_db()
    assert project.title == "Cantine bio" and project.version == 1


# Events --------------------------------------------------------------------------------------

def test_the_second_save_of_an_event_is_refused_and_the_first_is_kept(
        event, cluster, facilitator, staff):
    url = reverse("projects:event_update", args=[cluster.pk, event.pk])
    first, second = signed_in(facilitator), signed_in(staff)
    camille, coordination = form_data(first.get(url)), form_data(second.get(url))

    assert first.post(url, {**camille, "capacity": "80"}).status_code == 302
    response = second.post(url, {**coordination, "programme": "Accueil\nPitchs"})

    assert response.status_code == 409
    text = page_text(response)
    assert "Quelqu'un a modifié cet évènement" in text
    assert "Places vaut maintenant : 80" in text
    event.refresh_from_db()
    assert event.capacity == 80 and event.programme == "Accueil\nPrésentation des projets"
    assert event.version == 2


def test_a_registration_does_not_make_the_event_page_stale(event, cluster, facilitator):
    url = reverse("projects:event_update", args=[cluster.pk, event.pk])
    client = signed_in(facilitator)
    data = form_data(client.get(url))
    registration_create(event=event, name="Alex", email="alex@exemple.fr")
    assert client.post(url, {**data, "title": "Forum 2026"}).status_code == 302
    assert Event.objects.get(pk=event.pk).title == "Forum 2026"


def test_the_api_refuses_the_second_change_of_an_event(event, facilitator, staff):
    url = reverse("api:event-detail", args=[event.pk])
    first, second = signed_in(facilitator), signed_in(staff)
    read = second.get(url).json()["version"]
    assert first.patch(url, {"capacity": 80, "version": read},
                       content_type="application/json").status_code == 200
    refused = second.patch(url, {"title": "Autre titre", "version": read},
                           content_type="application/json")
    assert refused.status_code == 409 and refused.json()["code"] == "edit_conflict"
    event.refresh_from_db()
    assert event.capacity == 80 and event.title == "Forum des projets" and event.version == 2


@pytest.mark.parametrize("version", ["1; DROP", -1, 1.5, [2]])
def test_a_broken_event_version_is_a_400_on_the_api_and_the_page(client, facilitator, event,
                                                                   cluster, version):
    client.force_login(facilitator)
    response = client.patch(reverse("api:event-detail", args=[event.pk]),
                            {"title": "Autre", "version": version},
                            content_type="application/json")
    assert response.status_code == 400 and "version" in response.json()["errors"]
    url = reverse("projects:event_update", args=[cluster.pk, event.pk])
    page = client.post(url, {**form_data(client.get(url)), "title": "Autre",
                             "version": str(version)})
    assert page.status_code == 400
    assert "Le formulaire est incomplet : rechargez la page" in page_text(page)
    event.refresh_from_db()
    assert event.title == "Forum des projets" and event.version == 1
