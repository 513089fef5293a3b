import pytest
from playwright.sync_api import expect

from tests.projects.factories import ActorFactory, ChallengeFactory

pytestmark = pytest.mark.browser


def test_a_member_takes_an_idea_to_prototype_on_the_board(live_server, page, member_a,
                                                          password, territory_a):
    cluster = territory_a.clusters.get()
    ChallengeFactory(cluster=cluster, title="Cultiver Marseille")
    ActorFactory(territory=territory_a, name="Cité de l'agriculture")
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(f"{live_server.url}/compte/connexion/?next=/projets/clusters/{cluster.pk}/")
    page.get_by_label("Adresse e-mail").fill(member_a.email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_text("Aucun projet pour l'instant")).to_be_visible()

    page.get_by_role("link", name="Nouveau projet").click()
    page.get_by_label("Titre").fill("Micro-ferme urbaine")
    page.get_by_label("Défi").select_option(label="Cultiver Marseille")
    page.get_by_label("Résumé").fill("Cultiver une friche du 14e arrondissement.")
    page.get_by_label("Porteurs").select_option(label="Cité de l'agriculture")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Le projet est créé, à l'étape « idée ».")).to_be_visible()

    page.get_by_label("Nouvelle étape").select_option("prototype")
    page.get_by_label("Pourquoi ce changement ?").fill("Retenu par le comité de pilotage.")
    page.get_by_role("button", name="Changer d'étape").click()
    expect(page.get_by_text("Le projet passe à l'étape « prototype ».")).to_be_visible()

    page.get_by_role("link", name="Projets", exact=True).click()
    prototype_column = page.get_by_role("region", name="Prototype")
    expect(prototype_column.get_by_role("link", name="Micro-ferme urbaine")).to_be_visible()
    idea_column = page.get_by_role("region", name="Idée")
    expect(idea_column.get_by_text("Aucun projet à cette étape.")).to_be_visible()
    assert errors == []
