"""The network between territories: savoir-faire and besoins, peer suggestions, transfers of
expertise (services and pages, every role), masterclasses, company networks, blockers."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cluster.errors import DomainError
from cluster.models import (
    Blocker,
    Challenge,
    CompanyNetwork,
    Engagement,
    KnowHow,
    Masterclass,
    Transfer,
)
from cluster.peers import suggest_peers
from cluster.services import cluster_create
from cluster.services.network import (
    blocker_raise,
    blocker_track,
    know_how_add,
    masterclass_join,
    transfer_ask,
    transfer_decide,
    transfer_record_held,
)
from territories.models import Actor, Theme
from tests.cluster.factories import CollectiveFactory
from tests.territories.factories import TerritoryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def themes(db):
    return {theme.slug: theme for theme in Theme.objects.national()}


@pytest.fixture
def peer(cluster_b):
    """Collective B's cluster, on its territory now published: a peer of cluster A."""
    cluster_b.territory.is_published = True
    cluster_b.territory.save(update_fields=["is_published"])
    return cluster_b


@pytest.fixture
def asked(cluster, peer, facilitator, themes):
    return transfer_ask(requester=cluster, provider=peer, theme=themes["economie-circulaire"],
                        subject="Ouvrir une recyclerie", format="visite", by=facilitator)


def _count(model):
    return model.objects.count()


# Savoir-faire and besoins ---------------------------------------------------------------------

def test_know_how_is_on_a_national_theme_and_has_a_text(cluster, themes):
    row = know_how_add(cluster=cluster, kind="besoin", theme=themes["mobilite-douce"],
                       text="  Vélo-école  ")
    assert row.text == "Vélo-école"
    with pytest.raises(DomainError, match="cinq thèmes nationaux"):
        know_how_add(cluster=cluster, kind="besoin", text="x",
                     theme=Theme.objects.filter(is_national=False).first())
    with pytest.raises(DomainError, match="quelques mots"):
        know_how_add(cluster=cluster, kind="besoin", theme=themes["mobilite-douce"], text=" ")


def test_a_facilitator_adds_and_removes_know_how_which_shows_on_the_public_page(
        client, facilitator, member_a, cluster, themes):
    url = reverse("know_how_create", args=[cluster.pk])
    client.force_login(member_a)
    assert client.get(url).status_code == 403
    client.force_login(facilitator)
    response = client.post(url, {"kind": "savoir_faire", "theme": "economie-circulaire",
                                 "text": "Recycleries <b>solidaires</b>"})
    assert response.status_code == 302
    row = KnowHow.objects.get()
    client.logout()
    page = client.get(reverse("territory_network", args=[cluster.territory.slug]))
    assert "Recycleries &lt;b&gt;solidaires&lt;/b&gt;" in page.content.decode()
    client.force_login(facilitator)
    delete = reverse("know_how_delete", args=[cluster.pk, row.pk])
    assert "Retirer « Recycleries" in client.get(delete).content.decode()
    assert client.post(delete).status_code == 302
    assert not KnowHow.objects.exists()


def test_the_network_page_of_a_draft_territory_is_a_404_for_the_public(client, cluster_b):
    response = client.get(reverse("territory_network", args=[cluster_b.territory.slug]))
    assert response.status_code == 404


# Peer suggestions -------------------------------------------------------------------------------

def test_peers_are_suggested_with_their_reasons(cluster, peer, themes):
    know_how_add(cluster=cluster, kind="besoin", theme=themes["economie-circulaire"],
                 text="Recyclerie")
    know_how_add(cluster=peer, kind="savoir_faire", theme=themes["economie-circulaire"],
                 text="Trois recycleries ouvertes")
    Challenge.objects.create(cluster=cluster, title="Déchets", theme=themes["economie-circulaire"])
    Challenge.objects.create(cluster=peer, title="Zéro déchet", theme=themes["economie-circulaire"])
    [suggested] = suggest_peers(cluster)
    assert suggested.cluster == peer
    assert suggested.reasons == [
        "Partage un savoir-faire dont vous avez besoin (Économie circulaire et valorisation "
        "des déchets) : Trois recycleries ouvertes",
        "Un défi sur le même thème : Économie circulaire et valorisation des déchets",
    ]


def test_a_territory_without_anything_in_common_is_not_suggested(cluster, peer):
    assert suggest_peers(cluster) == []


def _network(count, themes):
    for number in range(count):
        territory = TerritoryFactory()
        peer = cluster_create(collective=CollectiveFactory(), territory=territory,
                              start_date=timezone.localdate())
        know_how_add(cluster=peer, kind="savoir_faire", theme=themes["bien-vieillir"],
                     text=f"Savoir-faire {number}")
        Challenge.objects.create(cluster=peer, title="Défi", theme=themes["bien-vieillir"])


@pytest.mark.parametrize("count", [3, 30])
def test_peer_suggestions_take_constant_queries_and_a_bounded_list(
        count, cluster, themes, django_assert_max_num_queries):
    know_how_add(cluster=cluster, kind="besoin", theme=themes["bien-vieillir"], text="Aidants")
    _network(count, themes)
    with django_assert_max_num_queries(6):
        peers = suggest_peers(cluster)
    assert len(peers) == min(count, 5)


# Transfers of expertise -------------------------------------------------------------------------

def test_a_transfer_asked_tells_the_peer_then_its_answer_tells_the_asker(
        cluster, peer, facilitator, facilitator_b, themes, committed):
    with committed():
        transfer = transfer_ask(requester=cluster, provider=peer,
                                theme=themes["economie-circulaire"], subject="Recyclerie",
                                format="atelier", by=facilitator)
    assert mail.outbox[-1].to == [facilitator_b.email]
    assert "Aix-Marseille-Provence vous demande un transfert" in mail.outbox[-1].subject
    with committed():
        transfer_decide(transfer=transfer, accept=True, by=facilitator_b, answer="Avec joie")
    assert mail.outbox[-1].to == [facilitator.email]
    assert "accepté" in mail.outbox[-1].body
    with committed():
        held = transfer_record_held(transfer=transfer, held_on=timezone.localdate(),
                                    format="visite", outcome="Une recyclerie lancée",
                                    by=facilitator)
    assert held.status == Transfer.Status.HELD
    assert sorted(mail.outbox[-1].to + mail.outbox[-2].to) == sorted(
        [facilitator.email, facilitator_b.email])


def test_a_transfer_to_ones_own_territory_is_refused_and_nothing_is_written(
        cluster, collective_b, facilitator, themes):
    other = cluster_create(collective=collective_b, territory=cluster.territory,
                           start_date=timezone.localdate())
    with pytest.raises(DomainError, match="un autre territoire que le vôtre"):
        transfer_ask(requester=cluster, provider=other, theme=themes["mobilite-douce"],
                     subject="x", format="visite", by=facilitator)
    assert _count(Transfer) == 0


def test_a_transfer_asked_twice_while_open_is_refused(asked, cluster, peer, facilitator,
                                                      facilitator_b, themes):
    again = {"requester": cluster, "provider": peer, "theme": themes["economie-circulaire"],
             "subject": "Encore", "format": "atelier", "by": facilitator}
    with pytest.raises(DomainError, match="déjà en cours") as error:
        transfer_ask(**again)
    assert error.value.status == 409
    assert _count(Transfer) == 1
    transfer_decide(transfer=asked, accept=False, by=facilitator_b)
    assert transfer_ask(**again).status == Transfer.Status.ASKED


def test_the_transitions_of_a_transfer(asked, facilitator_b, facilitator):
    with pytest.raises(DomainError, match="demandé"):
        transfer_record_held(transfer=asked, held_on=timezone.localdate(), format="visite",
                             outcome="x", by=facilitator)
    transfer_decide(transfer=asked, accept=True, by=facilitator_b)
    with pytest.raises(DomainError, match="accepté"):
        transfer_decide(transfer=asked, accept=False, by=facilitator_b)
    with pytest.raises(DomainError, match="date passée"):
        transfer_record_held(transfer=asked, held_on=timezone.localdate() + timedelta(days=1),
                             format="visite", outcome="x", by=facilitator)


@pytest.mark.parametrize(("role", "detail", "accept"), [
    ("facilitator", 200, 403), ("member_a", 200, 403), ("facilitator_b", 200, 200),
    ("member_b", 200, 403), ("reviewer", 404, 404), ("staff", 200, 200),
])
def test_who_reads_and_answers_an_asked_transfer(client, people, asked, role, detail, accept):
    client.force_login(people[role])
    assert client.get(reverse("transfer_detail", args=[asked.pk])).status_code == detail
    assert client.get(reverse("transfer_accept", args=[asked.pk])).status_code == accept


def test_an_asked_transfer_is_hidden_from_the_public_until_accepted(
        client, asked, facilitator_b):
    url = reverse("transfer_detail", args=[asked.pk])
    assert client.get(url).status_code == 404
    transfer_decide(transfer=asked, accept=True, by=facilitator_b)
    assert client.get(url).status_code == 200
    for territory in (asked.requester.territory, asked.provider.territory):
        page = client.get(reverse("territory_network", args=[territory.slug]))
        assert "Ouvrir une recyclerie" in page.content.decode()
    assert "Ouvrir une recyclerie" in client.get(reverse("transfer_list")).content.decode()


def test_the_network_dashboard_shows_a_transfer_once_accepted(client, asked, facilitator_b):
    page = client.get(reverse("network")).content.decode()
    assert "Ouvrir une recyclerie" not in page
    assert "Aucun transfert d'expertise accepté pour l'instant." in page
    transfer_decide(transfer=asked, accept=True, by=facilitator_b)
    page = client.get(reverse("network")).content.decode()
    assert "Ouvrir une recyclerie" in page and "Aucun transfert d'expertise" not in page


def test_the_peer_refuses_on_a_confirmation_page_and_records_nothing_on_get(
        client, asked, facilitator_b):
    client.force_login(facilitator_b)
    url = reverse("transfer_refuse", args=[asked.pk])
    assert "Refuser la demande de Aix-Marseille-Provence ?" in client.get(url).content.decode()
    asked.refresh_from_db()
    assert asked.status == Transfer.Status.ASKED
    assert client.post(url, {"answer": "Pas cette année"}).status_code == 302
    asked.refresh_from_db()
    assert (asked.status, asked.answer) == (Transfer.Status.REFUSED, "Pas cette année")


def test_a_facilitator_asks_a_peer_from_the_page(client, facilitator, cluster, peer):
    client.force_login(facilitator)
    url = reverse("transfer_create", args=[cluster.pk])
    assert client.get(url + f"?pair={peer.pk}").status_code == 200
    assert client.get(url + "?pair=abc").status_code == 200
    response = client.post(url, {"provider": peer.pk, "theme": "bien-vieillir",
                                 "subject": "Habitat inclusif", "format": "mentorat"})
    assert response.status_code == 302
    transfer = Transfer.objects.get()
    assert response.url == reverse("transfer_detail", args=[transfer.pk])
    again = client.post(url, {"provider": peer.pk, "theme": "bien-vieillir",
                              "subject": "Encore", "format": "mentorat"})
    assert again.status_code == 400
    assert "déjà en cours" in again.content.decode()


def test_the_held_form_records_the_outcome(client, asked, facilitator, facilitator_b):
    transfer_decide(transfer=asked, accept=True, by=facilitator_b)
    client.force_login(facilitator)
    url = reverse("transfer_held", args=[asked.pk])
    assert client.post(url, {"held_on": timezone.localdate().isoformat(), "format": "atelier",
                             "outcome": ""}).status_code == 400
    response = client.post(url, {"held_on": timezone.localdate().isoformat(),
                                 "format": "atelier", "outcome": "Deux ateliers"})
    assert response.status_code == 302
    asked.refresh_from_db()
    assert (asked.status, asked.outcome) == (Transfer.Status.HELD, "Deux ateliers")


@pytest.mark.parametrize("role", ["member_a", "member_b", "reviewer", "staff", "facilitator"])
def test_the_cluster_network_page_for_every_role(client, people, cluster, role):
    client.force_login(people[role])
    expected = 200 if role in ("member_a", "staff", "facilitator") else 404
    assert client.get(reverse("cluster_network", args=[cluster.pk])).status_code == expected


# Masterclasses ----------------------------------------------------------------------------------

def test_any_member_of_any_collective_joins_a_masterclass(client, member_b, reviewer):
    masterclass = Masterclass.objects.create(
        title="Financer un tiers-lieu", starts_at=timezone.now() + timedelta(days=10),
        place="En ligne")
    client.force_login(member_b)
    client.post(reverse("masterclass_join", args=[masterclass.pk]))
    assert list(masterclass.participants.all()) == [member_b]
    assert "Me désinscrire" in client.get(reverse("masterclass_list")).content.decode()
    with pytest.raises(DomainError, match="rejoignez d'abord un collectif"):
        masterclass_join(masterclass=masterclass, user=reviewer)
    client.post(reverse("masterclass_join", args=[masterclass.pk]), {"leave": "1"})
    assert not masterclass.participants.exists()


def test_the_masterclass_list_says_what_to_do_when_empty(client):
    assert "Aucune masterclass à venir" in client.get(reverse("masterclass_list")) \
        .content.decode()


# Company networks -------------------------------------------------------------------------------

def test_engaged_companies_linked_to_a_network_are_counted_by_form(client, cluster):
    network = CompanyNetwork.objects.create(
        name="La France, une chance. Les entreprises s'engagent")
    company = Actor.objects.create(territory=cluster.territory, name="Boulangerie Solidaire",
                                   kind="entreprise", is_published=True)
    Engagement.objects.create(cluster=cluster, company=company, size="tpe", kind="mentorat",
                              network=network)
    page = client.get(reverse("company_network_list")).content.decode()
    assert "1 territoire engagé" in page
    assert "Mentorat : 1" in page
    assert "Boulangerie" not in page


# Regulatory blockers ----------------------------------------------------------------------------

@pytest.fixture
def challenge(cluster, themes):
    return Challenge.objects.create(cluster=cluster, title="Cantines en circuits courts",
                                    theme=themes["alimentation-durable"])


def test_a_blocker_with_an_empty_rule_is_refused(cluster, challenge, facilitator):
    with pytest.raises(DomainError, match="règle concernée"):
        blocker_raise(cluster=cluster, challenge=challenge, rule="  ", text="x", by=facilitator)
    assert _count(Blocker) == 0


def test_a_blocker_is_raised_tracked_and_its_summary_public_once_lifted(
        client, cluster, challenge, facilitator, staff):
    client.force_login(facilitator)
    url = reverse("blocker_create", args=[cluster.pk])
    empty = client.post(url, {"challenge": challenge.pk, "rule": "", "text": "Seuil"})
    assert empty.status_code == 400
    assert "Indiquez la règle concernée" in empty.content.decode()
    client.post(url, {"challenge": challenge.pk, "rule": "Code de la commande publique",
                      "text": "Le seuil empêche d'acheter local."})
    blocker = Blocker.objects.get()
    assert client.get(reverse("national_blocker_list")).status_code == 403
    client.force_login(staff)
    track = reverse("national_blocker_track", args=[blocker.pk])
    assert client.post(track, {"status": "instruit"}).status_code == 302
    refused = client.post(track, {"status": "parraine", "sponsor": ""})
    assert "haut-fonctionnaire" in refused.content.decode()
    client.post(track, {"status": "parraine", "sponsor": "Mme la préfète"})
    assert client.post(track, {"status": "leve", "public_summary": ""}).status_code == 400
    client.post(track, {"status": "leve", "public_summary": "Un seuil relevé à 100 000 €."})
    blocker.refresh_from_db()
    assert (blocker.status, blocker.sponsor) == (Blocker.Status.LIFTED, "Mme la préfète")
    client.logout()
    page = client.get(reverse("lifted_blocker_list")).content.decode()
    assert "Un seuil relevé à 100 000 €." in page and "Mme la préfète" in page


def test_a_closed_blocker_moves_no_more(cluster, challenge, facilitator):
    blocker = blocker_raise(cluster=cluster, challenge=challenge, rule="Règle", text="x",
                            by=facilitator)
    blocker_track(blocker=blocker, status="sans_suite")
    with pytest.raises(DomainError, match="sans suite"):
        blocker_track(blocker=blocker, status="instruit")


def test_a_national_theme_in_use_cannot_be_deleted(cluster, themes):
    from django.db.models import ProtectedError

    know_how_add(cluster=cluster, kind="besoin", theme=themes["bien-vieillir"], text="x")
    with pytest.raises(ProtectedError):
        themes["bien-vieillir"].delete()


@pytest.mark.parametrize("url", ["transfer_list", "lifted_blocker_list", "masterclass_list",
                                 "company_network_list"])
def test_the_public_lists_have_empty_states(client, url):
    page = client.get(reverse(url)).content.decode()
    assert "Aucun" in page


def test_a_transfer_may_cut_across_the_themes(cluster, peer, facilitator):
    transfer = transfer_ask(requester=cluster, provider=peer, theme=None, subject="Tiers-lieux",
                            format="visite", by=facilitator)
    assert transfer.theme is None
    with pytest.raises(DomainError, match="déjà en cours"):
        transfer_ask(requester=cluster, provider=peer, theme=None, subject="Encore",
                     format="visite", by=facilitator)


def test_the_demo_has_the_seeds_transfer_from_nantes_to_strasbourg(client, demo):
    transfer = Transfer.objects.get(source__contains="tiers-lieux")
    assert (transfer.provider.territory.slug, transfer.requester.territory.slug,
            transfer.status) == ("nantes-metropole", "strasbourg-eurometropole", "accepte")
    page = client.get(reverse("territory_network", args=["strasbourg-eurometropole"]))
    assert "après la source" in page.content.decode()
    assert "Localtis, 2019" in page.content.decode()
    assert "Nantes" in page.content.decode()
    assert CompanyNetwork.objects.filter(name__startswith="La France, une chance").exists()


def _grow(cluster, themes, facilitator, count):
    start = Transfer.objects.count()
    _network(count, themes)
    others = cluster.__class__.objects.exclude(pk=cluster.pk).order_by("-pk")[:count]
    for number, other in enumerate(others, start=start):
        transfer_ask(requester=cluster, provider=other, theme=None, subject=f"Sujet {number}",
                     format="visite", by=facilitator)
        know_how_add(cluster=cluster, kind="besoin", theme=themes["bien-vieillir"],
                     text=f"Besoin {number}")
        challenge = Challenge.objects.create(cluster=cluster, title=f"Défi {number}")
        blocker = blocker_raise(cluster=cluster, challenge=challenge, rule=f"Règle {number}",
                                text="x", by=facilitator)
        blocker_track(blocker=blocker, status="instruit")
        blocker_track(blocker=blocker, status="leve", public_summary="Levé")


def test_the_network_pages_take_constant_queries(client, facilitator, staff, cluster, themes):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    pages = [(facilitator, reverse("cluster_network", args=[cluster.pk])),
             (facilitator, reverse("territory_network", args=[cluster.territory.slug])),
             (facilitator, reverse("transfer_list")),
             (staff, reverse("national_blocker_list")),
             (None, reverse("lifted_blocker_list")),
             (None, reverse("company_network_list")),
             (None, reverse("masterclass_list"))]

    def counts():
        result = []
        for user, url in pages:
            client.logout()
            if user:
                client.force_login(user)
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            result.append(len(queries))
        return result

    _grow(cluster, themes, facilitator, 2)
    small = counts()
    _grow(cluster, themes, facilitator, 10)
    assert counts() == small
    assert max(small) <= 20


@pytest.mark.parametrize(("role", "raise_page", "national"), [
    ("facilitator", 200, 403), ("member_a", 403, 403), ("facilitator_b", 404, 403),
    ("member_b", 404, 403), ("reviewer", 404, 403), ("staff", 200, 200),
])
def test_who_raises_and_who_tracks_a_blocker(client, people, cluster, challenge, facilitator,
                                             role, raise_page, national):
    blocker = blocker_raise(cluster=cluster, challenge=challenge, rule="Règle", text="x",
                            by=facilitator)
    client.force_login(people[role])
    assert client.get(reverse("blocker_create", args=[cluster.pk])).status_code == raise_page
    assert client.get(reverse("national_blocker_list")).status_code == national
    assert client.get(reverse("national_blocker_track", args=[blocker.pk])).status_code == \
        national


def test_a_facilitator_of_another_cluster_cannot_raise_a_blocker_on_its_defi(
        cluster, cluster_b, challenge, facilitator_b):
    with pytest.raises(DomainError, match="défi du cluster"):
        blocker_raise(cluster=cluster_b, challenge=challenge, rule="Règle", text="x",
                      by=facilitator_b)


def test_the_e_mails_escape_what_people_typed_in_their_html(cluster, peer, facilitator_b,
                                                             facilitator,
                                                             committed):
    with committed():
        transfer_ask(requester=cluster, provider=peer, theme=None,
                     subject="<script>alert(1)</script>", format="visite", by=facilitator)
    message = mail.outbox[-1]
    html = message.alternatives[0][0]
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<script>alert(1)</script>" in message.body


def test_the_engagement_list_names_the_network(client, facilitator, cluster):
    network = CompanyNetwork.objects.create(name="Réseau des entreprises engagées")
    company = Actor.objects.create(territory=cluster.territory, name="Scop du Port",
                                   kind="entreprise")
    Engagement.objects.create(cluster=cluster, company=company, size="pme",
                              kind="achat_responsable", network=network)
    client.force_login(facilitator)
    page = client.get(reverse("engagement_list", args=[cluster.pk])).content.decode()
    assert "avec le réseau Réseau des entreprises engagées" in page
