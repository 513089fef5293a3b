"""Projects: from idea to change of scale, the board, decisions, essaimage, the public page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cluster.models import SteeringDecision, SteeringMeeting
from projects.models import Project, Replication, StageChange
from projects.services import project_move_stage, project_replicate
from territories.models import Theme
from tests.helpers import as_role, page_text
from tests.projects.factories import ActorFactory, ChallengeFactory, ProjectFactory

pytestmark = pytest.mark.django_db

ROLES = ["facilitator", "member_a", "member_b", "reviewer", "staff", "anonymous"]
WORKERS = {"facilitator", "member_a", "staff"}


@pytest.fixture
def challenge(cluster):
    return ChallengeFactory(cluster=cluster, title="Cultiver Marseille",
                            kind="environnemental")


@pytest.fixture
def carrier(cluster):
    return ActorFactory(territory=cluster.territory, name="Marseille Solutions",
                        email="contact@marseille-solutions.exemple")


@pytest.fixture
def project(cluster, challenge, carrier):
    return ProjectFactory(cluster=cluster, challenge=challenge, title="Micro-ferme urbaine",
                          slug="micro-ferme-urbaine", carriers=[carrier])


def today():
    return timezone.localdate()


# Creating and editing --------------------------------------------------------------------

def test_a_member_creates_a_project_at_the_idea_stage(client, member_a, cluster, challenge,
                                                      carrier):
    client.force_login(member_a)
    response = client.post(reverse("projects:create", args=[cluster.pk]), {
        "title": "Micro-ferme urbaine", "challenge": challenge.pk,
        "summary": "Cultiver sur les toits du 3e arrondissement.", "carriers": [carrier.pk],
        "themes": ["agriculture-urbaine"],
    })
    project = Project.objects.get()
    assert response.status_code == 302
    assert response.url == project.get_absolute_url()
    assert project.stage == Project.Stage.IDEA
    assert list(project.carriers.all()) == [carrier]
    assert project.created_by == member_a
    assert project.history.first().history_user == member_a


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"carriers": []}, "Ce champ est obligatoire."),
        ({"end_date": "2026-01-01", "start_date": "2026-06-01"},
         "La fin prévue doit suivre le début du projet."),
        ({"title": ""}, "Ce champ est obligatoire."),
    ],
)
def test_bad_projects_are_refused_and_nothing_is_written(client, member_a, cluster, challenge,
                                                         carrier, change, message):
    client.force_login(member_a)
    data = {"title": "Micro-ferme", "challenge": challenge.pk, "summary": "Cultiver.",
            "carriers": [carrier.pk], **change}
    response = client.post(reverse("projects:create", args=[cluster.pk]), data)
    assert response.status_code == 400
    assert message in page_text(response)
    assert not Project.objects.exists()


def test_links_to_another_cluster_are_refused(client, member_a, cluster, challenge,
                                              cluster_b):
    foreign_actor = ActorFactory(territory=cluster_b.territory)
    foreign_challenge = ChallengeFactory(cluster=cluster_b)
    client.force_login(member_a)
    response = client.post(reverse("projects:create", args=[cluster.pk]), {
        "title": "Intrus", "challenge": foreign_challenge.pk, "summary": "…",
        "carriers": [foreign_actor.pk],
    })
    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in page_text(response)
    assert not Project.objects.exists()


def test_editing_keeps_the_stage_and_records_history(client, facilitator, project):
    project_move_stage(project=project, to_stage="prototype", reason="Comité du 3 mars",
                       on=today(), by=facilitator)
    client.force_login(facilitator)
    response = client.post(reverse("projects:update", args=[project.slug]), {
        "title": "Micro-ferme urbaine du Panier", "challenge": project.challenge.pk,
        "summary": "Cultiver.", "carriers": [c.pk for c in project.carriers.all()],
        "stage": "changement_echelle",  # not a field of the form: ignored
    })
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.title == "Micro-ferme urbaine du Panier"
    assert project.stage == Project.Stage.PROTOTYPE
    assert project.history.count() >= 3


# Stages ----------------------------------------------------------------------------------

def test_a_project_moves_one_stage_at_a_time_with_a_reason(client, member_a, project):
    client.force_login(member_a)
    response = client.post(reverse("projects:move_stage", args=[project.slug]), {
        "to_stage": "prototype", "changed_on": today().isoformat(),
        "reason": "Le comité de pilotage a retenu le projet.",
    }, follow=True)
    project.refresh_from_db()
    assert project.stage == Project.Stage.PROTOTYPE
    change = StageChange.objects.get()
    assert (change.from_stage, change.to_stage, change.by) == ("idee", "prototype", member_a)
    text = page_text(response)
    assert "Le projet passe à l'étape « prototype »." in text
    assert "Le comité de pilotage a retenu le projet." in text


def test_skipping_stages_is_refused_in_french(client, member_a, project):
    client.force_login(member_a)
    response = client.post(reverse("projects:move_stage", args=[project.slug]), {
        "to_stage": "changement_echelle", "changed_on": today().isoformat(),
        "reason": "On voit grand.",
    }, follow=True)
    assert "il ne peut pas aller à « changement d'échelle »" in page_text(response)
    project.refresh_from_db()
    assert project.stage == Project.Stage.IDEA
    assert not StageChange.objects.exists()


@pytest.mark.parametrize(
    ("days_ahead", "reason", "message"),
    [
        (2, "Retenu", "daté dans le futur"),
        (0, "   ", "Dites pourquoi le projet change d'étape."),
    ],
)
def test_a_stage_move_needs_a_past_date_and_a_reason(facilitator, project, days_ahead, reason,
                                                     message):
    from cluster.errors import DomainError

    with pytest.raises(DomainError, match=message):
        project_move_stage(project=project, to_stage="prototype", reason=reason,
                           on=today() + timedelta(days=days_ahead), by=facilitator)
    project.refresh_from_db()
    assert project.stage == Project.Stage.IDEA


def test_a_project_goes_all_the_way_and_back_one_step(facilitator, project):
    for stage in ["prototype", "experimentation", "impact", "changement_echelle", "impact"]:
        project_move_stage(project=project, to_stage=stage, reason="Étape franchie",
                           on=today(), by=facilitator)
    project.refresh_from_db()
    assert project.stage == Project.Stage.IMPACT
    assert project.stage_changes.count() == 5


# Prototype decisions ---------------------------------------------------------------------

def test_a_prototype_decision_is_recorded_in_the_comite(client, facilitator, project, cluster):
    meeting = SteeringMeeting.objects.create(cluster=cluster, held_on=today(),
                                             title="Comité de pilotage n°2",
                                             participants="Ville\nCRESS PACA")
    client.force_login(facilitator)
    response = client.post(reverse("projects:decision", args=[project.slug]), {
        "meeting": meeting.pk, "text": "Lancer le prototype sur 6 mois avec 2 jardins.",
    }, follow=True)
    decision = SteeringDecision.objects.get()
    assert decision.meeting == meeting
    assert decision.prototype_decision.project == project
    assert "Lancer le prototype sur 6 mois avec 2 jardins." in page_text(response)


def test_a_decision_cannot_go_to_a_future_or_foreign_comite(client, facilitator, project,
                                                            cluster, cluster_b):
    future = SteeringMeeting.objects.create(cluster=cluster, title="Prochain comité",
                                            held_on=today() + timedelta(days=10))
    foreign = SteeringMeeting.objects.create(cluster=cluster_b, title="Comité de Lyon",
                                             held_on=today())
    client.force_login(facilitator)
    for meeting in (future, foreign):
        client.post(reverse("projects:decision", args=[project.slug]),
                    {"meeting": meeting.pk, "text": "Décision"})
    assert not SteeringDecision.objects.exists()


# Essaimage -------------------------------------------------------------------------------

@pytest.fixture
def ready_cluster_b(cluster_b, collective_b):
    ChallengeFactory(cluster=cluster_b, title="Défi de l'accessibilité alimentaire")
    actor = ActorFactory(territory=cluster_b.territory, name="Récup et Gamelles")
    collective_b.actor_links.create(actor=actor, family="ess")
    return cluster_b


def test_a_project_is_replicated_to_another_territory(client, facilitator_b, facilitator,
                                                      project, ready_cluster_b, mailoutbox,
                                                      django_capture_on_commit_callbacks):
    project.is_published = True
    project.save()
    client.force_login(facilitator_b)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("projects:replicate", args=[project.slug]), {
            "cluster": ready_cluster_b.pk, "note": "Les toits de la Croix-Rousse.",
        })
    replication = Replication.objects.get()
    copy = replication.copy
    assert response.url == reverse("projects:update", args=[copy.slug])
    assert (copy.cluster, copy.stage, copy.title) == (ready_cluster_b, "idee", project.title)
    assert replication.origin == project

    # Both pages show the lineage.
    assert "Essaimé depuis" in page_text(client.get(copy.get_absolute_url()))
    client.force_login(facilitator)
    assert ready_cluster_b.territory.name in page_text(client.get(project.get_absolute_url()))

    # The origin's carriers and its facilitators are told, in one e-mail.
    assert len(mailoutbox) == 1
    assert set(mailoutbox[0].to) == {"contact@marseille-solutions.exemple",
                                     facilitator.email}
    assert "Micro-ferme urbaine" in mailoutbox[0].subject
    assert project.get_absolute_url() in mailoutbox[0].body


def test_replication_needs_another_territory_and_a_defi(facilitator, facilitator_b, project,
                                                        cluster, cluster_b):
    from cluster.errors import DomainError

    with pytest.raises(DomainError, match="autre territoire"):
        project_replicate(origin=project, cluster=cluster, by=facilitator)
    with pytest.raises(DomainError, match="pas encore de défi"):
        project_replicate(origin=project, cluster=cluster_b, by=facilitator_b)
    assert Project.objects.count() == 1


def test_only_facilitators_of_another_cluster_may_replicate(client, member_b, project):
    project.is_published = True
    project.save()
    client.force_login(member_b)  # a member, not a facilitator, of collective B
    assert client.get(reverse("projects:replicate", args=[project.slug])).status_code == 403


def test_similar_projects_elsewhere_share_a_theme_or_the_defi_kind(client, facilitator,
                                                                   project, cluster_b):
    urban = Theme.objects.get(slug="agriculture-urbaine")
    project.themes.set([urban])
    same_theme = ProjectFactory(cluster=cluster_b, title="Toits nourriciers",
                                is_published=True)
    same_theme.themes.set([urban])
    ProjectFactory(cluster=cluster_b, title="Brouillon caché")  # not published
    ProjectFactory(cluster=cluster_b, title="Autre sujet", is_published=True,
                   challenge=ChallengeFactory(cluster=cluster_b, kind="citoyen"))
    ProjectFactory(cluster=project.cluster, title="Voisin du même territoire",
                   is_published=True, challenge=project.challenge)
    client.force_login(facilitator)
    text = page_text(client.get(project.get_absolute_url()))
    panel = text[text.index("Projets similaires ailleurs"):]
    assert "Toits nourriciers" in panel
    assert "Brouillon caché" not in panel
    assert "Autre sujet" not in panel
    assert "Voisin du même territoire" not in panel


# Deleting --------------------------------------------------------------------------------

def test_deleting_asks_for_confirmation_then_deletes(client, facilitator, project, cluster):
    client.force_login(facilitator)
    url = reverse("projects:delete", args=[project.slug])
    assert "définitive" in page_text(client.get(url))
    assert Project.objects.exists()
    response = client.post(url)
    assert response.url == reverse("projects:board", args=[cluster.pk])
    assert not Project.objects.exists()


def test_a_replicated_origin_is_kept(client, facilitator, facilitator_b, project,
                                     ready_cluster_b):
    project_replicate(origin=project, cluster=ready_cluster_b, by=facilitator_b)
    client.force_login(facilitator)
    client.post(reverse("projects:delete", args=[project.slug]))
    assert Project.objects.filter(pk=project.pk).exists()


# Who may do what -------------------------------------------------------------------------

@pytest.mark.parametrize("role", ROLES)
def test_board_and_list_are_for_the_collective(client, cast, project, role):
    client = as_role(client, cast, role)
    for name in ("projects:board", "projects:list", "projects:create"):
        response = client.get(reverse(name, args=[project.cluster.pk]))
        if role == "anonymous":
            assert response.status_code == 302
        else:
            assert response.status_code == (200 if role in WORKERS else 404), name


@pytest.mark.parametrize("role", ROLES)
def test_a_draft_is_seen_by_its_collective_only(client, cast, project, role):
    response = as_role(client, cast, role).get(project.get_absolute_url())
    assert response.status_code == (200 if role in WORKERS else 404)


@pytest.mark.parametrize("role", ROLES)
def test_a_published_project_is_public_but_changed_by_its_collective(client, cast, project,
                                                                     role):
    project.is_published = True
    project.save()
    client = as_role(client, cast, role)
    text = page_text(client.get(project.get_absolute_url()))
    assert "Micro-ferme urbaine" in text
    assert ("Changer d'étape" in text) == (role in WORKERS)
    response = client.post(reverse("projects:move_stage", args=[project.slug]), {
        "to_stage": "prototype", "changed_on": today().isoformat(), "reason": "Retenu"})
    expected = 302 if role in WORKERS or role == "anonymous" else 403
    assert response.status_code == expected
    project.refresh_from_db()
    assert (project.stage == "prototype") == (role in WORKERS)


@pytest.mark.parametrize("role", ["facilitator", "member_a", "member_b", "staff"])
def test_only_facilitators_and_staff_delete(client, cast, project, role):
    as_role(client, cast, role).post(reverse("projects:delete", args=[project.slug]))
    assert Project.objects.exists() == (role not in {"facilitator", "staff"})


# Query counts ----------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["projects:board", "projects:list"])
def test_board_and_list_keep_a_constant_number_of_queries(client, facilitator, cluster,
                                                          challenge, name,
                                                          django_assert_max_num_queries):
    themes = list(Theme.objects.all()[:3])
    for n in range(12):
        project = ProjectFactory(cluster=cluster, challenge=challenge,
                                 stage=list(Project.Stage)[n % 5])
        project.themes.set(themes)
    client.force_login(facilitator)
    with django_assert_max_num_queries(12):
        response = client.get(reverse(name, args=[cluster.pk]))
    assert response.status_code == 200
    assert page_text(response).count("Projet n°") == 12


def test_the_list_filters_by_stage_defi_theme_and_words(client, facilitator, cluster,
                                                        challenge):
    ProjectFactory(cluster=cluster, challenge=challenge, title="Consigne de verre",
                   stage="prototype")
    other = ChallengeFactory(cluster=cluster, title="Bien vieillir")
    ProjectFactory(cluster=cluster, challenge=other, title="Colocation seniors")
    client.force_login(facilitator)
    url = reverse("projects:list", args=[cluster.pk])
    assert "Colocation" not in page_text(client.get(url, {"stage": "prototype"}))
    text = page_text(client.get(url, {"challenge": other.pk}))
    assert "Colocation seniors" in text and "Consigne" not in text
    assert "Consigne de verre" in page_text(client.get(url, {"q": "verre"}))
    assert "Aucun projet ne correspond" in page_text(client.get(url, {"q": "zzz"}))


def test_the_lineage_is_not_repeated_among_similar_projects(client, facilitator, facilitator_b,
                                                           project, ready_cluster_b):
    project.is_published = True
    project.save()
    copy = project_replicate(origin=project, cluster=ready_cluster_b, by=facilitator_b).copy
    copy.is_published = True
    copy.save()
    client.force_login(facilitator)
    text = page_text(client.get(project.get_absolute_url()))
    assert "Essaimé vers" in text
    assert "Aucun projet publié ailleurs" in text
