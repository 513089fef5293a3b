"""Two people edit the same territory, actor or place: the second save never erases the first.

Each edit carries the version it started from (a hidden input, or `version` in the API);
a save made from an outdated version is refused with what changed since.
"""

import threading

import pytest
from django.db import connection, transaction
from django.urls import reverse

from territories.errors import DomainError
from territories.import_writes import actor_import_write
from territories.imports import actor_import_dry_run
from territories.locking import claim_version, save_if_unchanged
from territories.models import Actor, Place, Territory
from tests.editing import form_data, signed_in
from tests.helpers import page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def actor(territory_a):
    return Actor.objects.create(territory=territory_a, name="La Ressourcerie", kind="association",
                                website="https://ressourcerie.example", is_published=True)


@pytest.fixture
def place(territory_a):
    return Place.objects.create(territory=territory_a, name="La Friche", kind="friche",
                                address="41 rue Jobin, 13003 Marseille", is_published=True)


def _item_url(item, kind):
    return reverse(f"territories:{kind}_update", args=[item.territory.slug, item.pk])


# Pages ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["actor", "place"])
def test_the_second_save_of_an_item_is_refused_and_the_first_is_kept(
        kind, request, facilitator, member_a):
    item = request.getfixturevalue(kind)
    url = _item_url(item, kind)
    first, second = signed_in(facilitator), signed_in(member_a)
    camille, dominique = form_data(first.get(url)), form_data(second.get(url))

    assert first.post(url, {**camille, "name": "La Ressourcerie du Panier"}).status_code == 302
    response = second.post(url, {**dominique, "description": "Réemploi et réparation."})

    assert response.status_code == 409
    text = page_text(response)
    assert "Quelqu'un a modifié ce" in text
    assert "Nom vaut maintenant : « La Ressourcerie du Panier »" in text
    assert "Description vaut maintenant" not in text  # unchanged since Dominique read it
    item.refresh_from_db()
    assert item.name == "La Ressourcerie du Panier" and item.description == ""
    assert item.version == 2


def test_a_refused_page_keeps_the_input_and_saving_again_replaces_knowingly(
        actor, facilitator, member_a):
    url = _item_url(actor, "actor")
    first, second = signed_in(facilitator), signed_in(member_a)
    camille, dominique = form_data(first.get(url)), form_data(second.get(url))
    first.post(url, {**camille, "website": "https://nouveau.example"})

    refused = second.post(url, {**dominique, "description": "Réemploi."})
    assert "Site web vaut maintenant : « https://nouveau.example »" in page_text(refused)
    again = form_data(refused)
    assert again["description"] == "Réemploi."  # the person's input is still there
    assert again["version"] == "2"

    assert second.post(url, again).status_code == 302
    actor.refresh_from_db()
    assert actor.description == "Réemploi." and actor.version == 3
    # Dominique saw the new website and sent the old one back on purpose.
    assert actor.website == "https://ressourcerie.example"


def test_the_second_save_of_a_territory_is_refused_and_the_first_is_kept(
        territory_a, facilitator, staff, geography):
    url = reverse("territories:update", args=[territory_a.slug])
    territory_a.perimeter_level, territory_a.perimeter_codes = "communes", ["13055"]
    territory_a.save()
    first, second = signed_in(facilitator), signed_in(staff)
    camille = form_data(first.get(url), "form", "figures")
    dominique = form_data(second.get(url), "form", "figures")

    assert first.post(url, {**camille, "summary": "Une métropole qui coopère."}
                      ).status_code == 302
    response = second.post(url, {**dominique, "kind": "metropole"})

    assert response.status_code == 409
    text = page_text(response)
    assert "Quelqu'un a modifié ce territoire" in text
    assert "Présentation vaut maintenant : « Une métropole qui coopère. »" in text
    territory_a.refresh_from_db()
    assert territory_a.summary == "Une métropole qui coopère."
    assert territory_a.kind == Territory.Kind.RURAL and territory_a.version == 2


@pytest.mark.parametrize("version", ["abc", "0", "-3", "1.5", "99999999999999999999"])
def test_a_broken_version_on_a_page_is_explained_not_a_crash(client, member_a, actor, version):
    client.force_login(member_a)
    url = _item_url(actor, "actor")
    data = form_data(client.get(url))
    response = client.post(url, {**data, "name": "Autre nom", "version": version})
    assert response.status_code == 400
    assert "Le formulaire est incomplet : rechargez la page" in page_text(response)
    actor.refresh_from_db()
    assert actor.name == "La Ressourcerie" and actor.version == 1


def test_a_page_without_a_version_still_saves_and_moves_the_version_on(client, member_a,
                                                                         actor):
    client.force_login(member_a)
    url = _item_url(actor, "actor")
    data = form_data(client.get(url))
    del data["version"], data["version_base"]
    assert client.post(url, {**data, "name": "Autre nom"}).status_code == 302
    actor.refresh_from_db()
    assert actor.name == "Autre nom" and actor.version == 2


def test_an_import_makes_an_edit_page_opened_before_it_stale(client, member_a, actor,
                                                                territory_a):
    actor.siret = "73282932000074"
    actor.save()
    client.force_login(member_a)
    url = _item_url(actor, "actor")
    data = form_data(client.get(url))
    raw = "Nom;SIRET;Site web\nLa Ressourcerie;73282932000074;https://import.example\n"
    actor_import_write(territory=territory_a, preview=actor_import_dry_run(
        territory=territory_a, raw=raw.encode()))
    response = client.post(url, {**data, "name": "Autre nom"})
    assert response.status_code == 409
    actor.refresh_from_db()
    assert actor.website == "https://import.example" and actor.name == "La Ressourcerie"


# API -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("kind", "route"), [("actor", "api:actor-detail"),
                                             ("place", "api:place-detail")])
def test_the_api_refuses_the_second_change_of_the_same_version(
        kind, route, request, facilitator, member_a):
    item = request.getfixturevalue(kind)
    url = reverse(route, args=[item.pk])
    first, second = signed_in(facilitator), signed_in(member_a)
    read = second.get(url).json()["version"]
    assert read == 1

    changed = first.patch(url, {"name": "Nouveau nom", "version": read},
                          content_type="application/json")
    assert changed.status_code == 200 and changed.json()["version"] == 2
    refused = second.patch(url, {"description": "Autre chose", "version": read},
                           content_type="application/json")

    assert refused.status_code == 409
    assert refused.json()["code"] == "edit_conflict"
    assert "Quelqu'un a modifié ce" in refused.json()["detail"]
    item.refresh_from_db()
    assert item.name == "Nouveau nom" and item.description == "" and item.version == 2


def test_the_api_refuses_a_stale_territory_change(territory_a, facilitator, staff,
                                                  geography):
    territory_a.perimeter_level, territory_a.perimeter_codes = "communes", ["13055"]
    territory_a.save()
    url = reverse("api:territory-detail", args=[territory_a.slug])
    first, second = signed_in(facilitator), signed_in(staff)
    read = second.get(url).json()["version"]
    assert first.patch(url, {"summary": "Première", "version": read},
                       content_type="application/json").status_code == 200
    refused = second.patch(url, {"summary": "Seconde", "version": read},
                           content_type="application/json")
    assert refused.status_code == 409 and refused.json()["code"] == "edit_conflict"
    territory_a.refresh_from_db()
    assert territory_a.summary == "Première" and territory_a.version == 2


def test_the_largest_version_a_client_may_send_is_a_conflict_not_a_crash(client, staff,
                                                                          territory_a):
    """schemathesis sent 2147483647: the next number no longer fit PostgreSQL's integer."""
    client.force_login(staff)
    response = client.patch(reverse("api:territory-detail", args=[territory_a.slug]),
                            {"summary": "Autre", "version": 2_147_483_647},
                            content_type="application/json")
    assert response.status_code == 409 and response.json()["code"] == "edit_conflict"
    territory_a.refresh_from_db()
    assert territory_a.version == 1


@pytest.mark.parametrize("version", ["abc", 0, -1, 1.5, None, 10**20, [1]])
def test_a_broken_version_in_the_api_is_a_400(client, member_a, actor, version):
    client.force_login(member_a)
    response = client.patch(reverse("api:actor-detail", args=[actor.pk]),
                            {"name": "Autre nom", "version": version},
                            content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and "version" in response.json()["errors"]
    actor.refresh_from_db()
    assert actor.name == "La Ressourcerie" and actor.version == 1


def test_an_api_change_without_a_version_is_not_checked_but_moves_it_on(client, member_a,
                                                                         actor):
    client.force_login(member_a)
    url = reverse("api:actor-detail", args=[actor.pk])
    response = client.patch(url, {"name": "Autre nom"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["version"] == 2
    stale = client.patch(url, {"name": "Encore", "version": 1}, content_type="application/json")
    assert stale.status_code == 409


def test_a_version_given_at_creation_is_ignored(client, member_a, territory_a):
    client.force_login(member_a)
    response = client.post(reverse("api:actor-list"), {
        "territory": territory_a.slug, "name": "Nouvel acteur", "version": 7,
        "themes": []}, content_type="application/json")
    assert response.status_code == 201, response.json()
    assert response.json()["version"] == 1


# The helper ----------------------------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_claim_version_refuses_outside_a_transaction(actor):
    with pytest.raises(RuntimeError):
        claim_version(instance=actor, version=1, message="x")


def test_save_if_unchanged_writes_nothing_when_the_model_refuses(actor):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        save_if_unchanged(instance=actor, fields={"siret": "123"}, version=1, message="x")
    assert actor.version == 1
    actor.refresh_from_db()
    assert actor.version == 1 and actor.siret == ""


def test_two_saves_of_the_same_version_one_wins(actor):
    first, second = Actor.objects.get(pk=actor.pk), Actor.objects.get(pk=actor.pk)
    save_if_unchanged(instance=first, fields={"name": "A"}, version=1, message="conflit")
    with pytest.raises(DomainError) as refused, transaction.atomic():
        save_if_unchanged(instance=second, fields={"name": "B"}, version=1, message="conflit")
    assert refused.value.code == "edit_conflict" and refused.value.status == 409
    actor.refresh_from_db()
    assert actor.name == "A" and actor.version == 2


# Staff in the admin ------------------------------------------------------------------------

def test_staff_changes_in_the_admin_make_open_edit_pages_stale(client, staff, member_a, actor):
    from django.contrib import admin
    from django.test import RequestFactory

    editor = signed_in(member_a)
    url = _item_url(actor, "actor")
    data = form_data(editor.get(url))
    client.force_login(staff)
    response = client.post(reverse("admin:territories_actor_changelist"),
                           {"action": "unpublish", "_selected_action": [actor.pk]})
    assert response.status_code == 302
    actor.refresh_from_db()
    assert actor.version == 2 and not actor.is_published

    request = RequestFactory().post("/")
    request.user = staff
    actor.name = "Corrigé par l'équipe nationale"
    with transaction.atomic():
        admin.site._registry[Actor].save_model(request, actor, None, change=True)
    actor.refresh_from_db()
    assert actor.version == 3 and actor.name == "Corrigé par l'équipe nationale"

    assert editor.post(url, {**data, "description": "x"}).status_code == 409


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="SQLite sérialise toutes les écritures : seul PostgreSQL met "
                           "réellement le verrou de ligne à l'épreuve.")
def test_simultaneous_saves_of_the_same_version_one_wins(territory_a):
    actor = Actor.objects.create(territory=territory_a, name="La Ressourcerie")
    start = threading.Barrier(8)
    saved, refused, errors = [], [], []

    def save(number):
        try:
            start.wait()
            mine = Actor.objects.get(pk=actor.pk)
            save_if_unchanged(instance=mine, fields={"name": f"Nom {number}"}, version=1,
                              message="conflit")
            saved.append(f"Nom {number}")
        except DomainError:
            refused.append(number)
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(saved) == 1 and len(refused) == 7
    actor.refresh_from_db()
    assert actor.name == saved[0] and actor.version == 2
