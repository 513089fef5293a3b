"""The search across every app: what it finds, for whom, why, by page, and bad inputs."""

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from territories.models import Actor, Theme
from territories.search import MAX_QUERY_LENGTH, search
from tests.funding.factories import CallFactory, FundingSourceFactory
from tests.helpers import page_text
from tests.projects.factories import EventFactory, ProjectFactory
from tests.territories.factories import TerritoryFactory

pytestmark = pytest.mark.django_db
URL = reverse("search")


def names(results):
    return {each.kind.key: [hit.name for hit in each.hits] for each in results}


def counts(results):
    return {each.kind.key: each.count for each in results}


@pytest.fixture
def everything(cluster, cluster_b):
    food = Theme.objects.filter(slug="alimentation-durable")
    project = ProjectFactory(cluster=cluster, title="Cantine partagée", is_published=True,
                             summary="Des repas locaux pour les écoles.")
    project.themes.set(food)
    ProjectFactory(cluster=cluster, title="Cantine secrète", is_published=False)
    ProjectFactory(cluster=cluster_b, title="Cantine lyonnaise", is_published=False)
    EventFactory(cluster=cluster, title="Forum cantine", is_published=True)
    EventFactory(cluster=cluster, title="Réunion cantine interne", is_published=False)
    source = FundingSourceFactory(name="Fonds cantines durables",
                                  description="Aide aux cantines bio.")
    source.themes.set(food)
    CallFactory(title="Appel cantines 2026")
    CallFactory(title="Appel cantines futur", opens_at=timezone.now() + timedelta(days=10))


def test_finds_projects_events_sources_and_calls(everything, anonymous):
    assert {key: found for key, found in names(search(user=anonymous, query="cantine")).items()
            if found} == {
        "projets": ["Cantine partagée"], "evenements": ["Forum cantine"],
        "financements": ["Fonds cantines durables"], "appels": ["Appel cantines 2026"]}


@pytest.mark.parametrize("role", ["anonymous", "member_b", "reviewer"])
def test_never_shows_what_the_person_may_not_read(everything, role, request):
    user = request.getfixturevalue(role)
    found = [name for each in names(search(user=user, query="cantine")).values()
             for name in each]
    assert not {"Cantine secrète", "Réunion cantine interne", "Appel cantines futur"} & set(found)
    assert "Cantine lyonnaise" not in found or role == "member_b"


def test_the_page_hides_drafts_from_visitors_and_shows_them_to_their_cluster(
        client, everything, facilitator):
    assert "Cantine secrète" not in client.get(URL, {"q": "cantine"}).text
    client.force_login(facilitator)
    text = client.get(URL, {"q": "cantine"}).text
    assert "Cantine secrète" in text and "Réunion cantine interne" in text
    assert "Cantine lyonnaise" not in text


def test_each_result_says_why_it_matched(client, territory_a):
    Actor.objects.create(territory=territory_a, name="Alimentation Solidaire",
                         is_published=True)
    themed = Actor.objects.create(territory=territory_a, name="Le Grenier", is_published=True)
    themed.themes.set(Theme.objects.filter(slug="alimentation-durable"))
    Actor.objects.create(territory=territory_a, name="Épicerie", is_published=True,
                         description="Une épicerie de quartier. " * 10
                         + "Elle propose une alimentation saine à petits prix. " + "Fin. " * 30)
    text = client.get(URL, {"q": "alimentation"}).text
    assert "Trouvé dans le nom." in text
    assert "Thème : <mark>Alimentation</mark> durable" in text
    assert "une <mark>alimentation</mark> saine" in text
    assert "… " in text  # the excerpt is cut, not the whole description


def test_user_html_is_shown_as_text_never_run(client, territory_a):
    Actor.objects.create(territory=territory_a, name="<b>Gras</b> Compost", is_published=True,
                         description="Compost <script>alert('x')</script> partagé")
    Actor.objects.create(territory=territory_a, name="Atelier", is_published=True,
                         description="Du compost <script>alert('y')</script> ici")
    text = client.get(URL, {"q": "compost"}).text
    assert "<script>alert" not in text and "<b>Gras" not in text
    assert "&lt;script&gt;alert(&#x27;y&#x27;)&lt;/script&gt;" in text
    assert "Du <mark>compost</mark>" in text
    typed = client.get(URL, {"q": "<script>alert(1)</script>"}).text
    assert "<script>alert(1)" not in typed and "&lt;script&gt;alert(1)" in typed


def test_results_are_paged_per_kind_with_counts(client, territory_a):
    for number in range(25):
        Actor.objects.create(territory=territory_a, name=f"Jardin {number:02}", is_published=True)
    text = client.get(URL, {"q": "jardin"}).text
    assert "Voir les 25 résultats : Acteurs" in text
    first = client.get(URL, {"q": "jardin", "type": "acteurs"})
    assert "Jardin 19" in first.text and "Jardin 20" not in first.text
    assert "Page 1 sur 2" in page_text(first)
    assert 'href="?q=jardin&amp;type=acteurs&amp;page=2"' in first.text
    second = client.get(URL, {"q": "jardin", "type": "acteurs", "page": "2"})
    assert "Jardin 24" in second.text and "Jardin 19" not in second.text


@pytest.mark.parametrize("page, shown", [("abc", "Jardin 00"), ("99999", "Jardin 24"),
                                         ("-1", "Jardin 24"), ("", "Jardin 00")])
def test_a_bad_page_number_shows_a_sensible_page(client, territory_a, page, shown):
    for number in range(25):
        Actor.objects.create(territory=territory_a, name=f"Jardin {number:02}", is_published=True)
    response = client.get(URL, {"q": "jardin", "type": "acteurs", "page": page})
    assert response.status_code == 200 and shown in response.text


def test_filters_by_kind_and_territory(client, everything, territory_a, anonymous):
    Actor.objects.create(territory=territory_a, name="Cantine du port", is_published=True)
    only_projects = page_text(client.get(URL, {"q": "cantine", "type": "projets"}))
    assert "Cantine partagée" in only_projects and "Cantine du port" not in only_projects
    # The counts of the other kinds stay in view.
    assert 'Acteurs <span class="badge text-bg-light border">1</span>' in only_projects
    text = page_text(client.get(URL, {"q": "cantine", "territoire": territory_a.slug}))
    assert "Cantine du port" in text and "Fonds cantines durables" not in text
    assert "ne dépendent pas d'un territoire" in text
    assert counts(search(user=anonymous, query="cantine", territory=territory_a)) == {
        "acteurs": 1, "projets": 1, "lieux": 0, "evenements": 1, "territoires": 0}


def test_the_territory_filter_lists_what_the_person_may_see_and_keeps_the_choice(
        client, territory_a, territory_b):
    TerritoryFactory(slug="evry", name="<b>Évry & Essonne</b>", is_published=True)
    response = client.get(URL, {"q": "cantine", "territoire": territory_a.slug})
    form = response.text[response.text.index('role="search" class="row'):]
    form = form[:form.index("</form>")]
    assert f'<option value="{territory_a.slug}" selected>{territory_a.name}</option>' in form
    # Names are escaped; a draft territory is not offered to the public.
    assert '<option value="evry">&lt;b&gt;Évry &amp; Essonne&lt;/b&gt;</option>' in form
    assert territory_b.slug not in form
    assert form.count(" selected>") == 1  # the type: "Tous les types" has no mark


@pytest.mark.parametrize("params, note", [
    ({"type": "licornes"}, "Ce type de résultat n'existe pas : tous les types sont affichés."),
    ({"territoire": "atlantide"}, "Ce territoire n'existe pas ou n'est pas publié"),
    ({"territoire": "lyon-metropole"}, "Ce territoire n'existe pas ou n'est pas publié"),
])
def test_unknown_filters_are_dropped_with_a_note(client, everything, territory_b, params, note):
    response = client.get(URL, {"q": "cantine", **params})
    assert response.status_code == 200
    assert note in page_text(response)
    assert "Cantine partagée" in response.text


def test_empty_query_says_what_to_type(client):
    for query in ["", "   ", "a", "\x07"]:
        text = page_text(client.get(URL, {"q": query}))
        assert "Cherchez un mot du nom d'un acteur, d'un projet" in text
    assert "Tapez au moins deux caractères." in page_text(client.get(URL, {"q": "a"}))


def test_a_very_long_query_is_cut_with_a_message(client, territory_a):
    Actor.objects.create(territory=territory_a, name="Compost", is_published=True)
    response = client.get(URL, {"q": "compost " + "x" * 5000})
    assert response.status_code == 200
    assert "Votre recherche était trop longue" in page_text(response)
    response = client.get(URL, {"q": " ".join(["compost"] * 50)})
    assert "Compost" in response.text and "trop longue" in response.text
    assert f'maxlength="{MAX_QUERY_LENGTH}"' in response.text


def test_nul_bytes_get_a_clear_message_and_control_characters_are_ignored(
        client, territory_a, anonymous):
    Actor.objects.create(territory=territory_a, name="Compost", is_published=True)
    # The site-wide middleware answers 400 with a French message to any NUL byte.
    response = client.get(URL, {"q": "compost\x00"})
    assert response.status_code == 400 and "caractère nul" in response.content.decode()
    # The search itself never passes one on to the database (PostgreSQL refuses them).
    assert names(search(user=anonymous, query="compost\x00\x07"))["acteurs"] == ["Compost"]
    assert "Compost" in client.get(URL, {"q": "compost\x07\t"}).text


def test_no_result_with_filters_suggests_searching_everywhere(client, territory_a):
    text = client.get(URL, {"q": "zzzz", "type": "projets"}).text
    assert "Aucun résultat pour « zzzz »." in text
    assert 'href="/recherche/?q=zzzz"' in text


def _fill(cluster, size):
    food = list(Theme.objects.filter(slug="alimentation-durable"))
    start = Actor.objects.filter(name__startswith="Potager").count()
    for number in range(start, start + size):
        actor = Actor.objects.create(territory=cluster.territory, name=f"Potager {number}",
                                     is_published=True, description="Un potager partagé.")
        actor.themes.set(food)
        project = ProjectFactory(cluster=cluster, title=f"Potager école {number}",
                                 is_published=True)
        project.themes.set(food)
        EventFactory(cluster=cluster, title=f"Fête du potager {number}")
        FundingSourceFactory(name=f"Fonds potager {number}").themes.set(food)
        CallFactory(title=f"Appel potager {number}")


# Per request: session, user, territories of the filter, whether the person administers a
# funder (the menu); then per kind one count, one
# page when something matched (no place, no territory here), and one for the themes of
# the pages of actors, projects and sources.
@pytest.mark.parametrize("params, queries", [
    ({}, 4 + 7 + 5 + 3),
    ({"type": "acteurs"}, 4 + 7 + 1 + 1),
    ({"territoire": "aix-marseille-provence"}, 4 + 5 + 3 + 2),
])
def test_the_number_of_queries_does_not_grow_with_the_data(
        client, cluster, facilitator, django_assert_num_queries, params, queries):
    client.force_login(facilitator)
    params = {"q": "potager", **params}
    for size in (2, 30):
        _fill(cluster, size)
        with django_assert_num_queries(queries):
            response = client.get(URL, params)
        assert response.status_code == 200
    assert "Potager 19" in response.text or "type" not in params


on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql",
                                   reason="recherche plein texte française : PostgreSQL")


@on_postgresql
def test_postgresql_stems_and_ranks_every_kind(everything, anonymous, cluster):
    ProjectFactory(cluster=cluster, title="Potager", is_published=True,
                   summary="Les cantines scolaires y achètent leurs légumes.")
    found = names(search(user=anonymous, query="cantines", kind="projets"))["projets"]
    # Name (A) above description (C); the plural finds the singular through the stem.
    assert found == ["Cantine partagée", "Potager"]
    assert names(search(user=anonymous, query="CANTINE durables",
                        kind="financements"))["financements"] == ["Fonds cantines durables"]
