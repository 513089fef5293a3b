"""A facilitator builds a cluster and submits its dossier through the generated client only.

The fixtures set the scene (the facilitator's collective, a published territory nobody
animates yet, a funder's open call and a funding source of the catalogue); then every
step is a `sync_detailed` of the client generated from the schema: a cluster, défis, an
objective and its measurements, a funding plan, a dossier created and submitted. The
funder's reviewer then finds it in the list, and its snapshot holds what was built.
"""

import datetime
from decimal import Decimal

import pytest

from tests.contract.conftest import call, live
from tests.funding.factories import FundingSourceFactory
from tests.funding.reviewing import call_with_grid
from tests.territories.factories import TerritoryFactory

STRATEGY = ("Trois ans pour faire coopérer les acteurs du pays : cartographier, prototyper "
            "avec les incubateurs, puis essaimer vers les quartiers prioritaires.")


@pytest.fixture
def scene(funder, facilitator, collective_a):
    territory = TerritoryFactory(name="Pays de Martigues", slug="pays-de-martigues")
    fund_call = call_with_grid(funder, title="Fonds pour l'innovation sociale")
    source = FundingSourceFactory(name="Fonds régional d'innovation", funder=funder)
    return {"territory": territory, "call": fund_call, "source": source,
            "collective": collective_a}


@live
def test_a_facilitator_builds_a_cluster_and_submits_its_dossier(
        generated_client, api, scene, facilitator, reviewer, member_b):
    models = generated_client.module("models")
    client = api(facilitator)
    territory, fund_call = scene["territory"], scene["call"]

    # The cluster, on a territory nobody animates: created at once (201), with its roadmap.
    status, collectives = call(generated_client, "collectifs.collectifs_list", client=client)
    assert status == 200
    (collective,) = collectives.results
    body = models.ClusterCreateRequest(collective=collective.slug, territory=territory.slug,
                                       start_date=datetime.date(2027, 4, 1), duration_months=12)
    status, cluster = call(generated_client, "clusters.clusters_create", client=client, body=body)
    assert status == 201 and isinstance(cluster, models.Cluster)
    assert (cluster.collective, cluster.territory) == (collective.slug, territory.slug)
    status, steps = call(generated_client, "clusters.etapes_list", client=client,
                         cluster=cluster.id)
    assert status == 200 and steps.count == 7

    # Two défis, an objective for the first, two measurements of it.
    challenges = []
    for position, (title, kind) in enumerate([
            ("Mobilité solidaire", models.ChallengeKindEnum.SOCIAL),
            ("Circuits courts", models.ChallengeKindEnum.ECONOMIQUE)]):
        body = models.ChallengeRequest(cluster=cluster.id, title=title, kind=kind,
                                       position=position)
        status, challenge = call(generated_client, "defis.defis_create", client=client,
                                 body=body)
        assert status == 201 and isinstance(challenge, models.Challenge)
        challenges.append(challenge)
    body = models.ObjectiveRequest(
        challenge=challenges[0].id, title="Personnes transportées par mois", unit="personnes",
        baseline="10", target="110", target_date=datetime.date(2029, 1, 1),
        direction=models.ObjectiveDirectionEnum.INCREASE)
    status, objective = call(generated_client, "defis.objectifs_create", client=client,
                             body=body)
    assert status == 201 and isinstance(objective, models.Objective)
    for measured_on, value in [(datetime.date(2027, 1, 31), "25"),
                               (datetime.date(2027, 2, 28), "35")]:
        body = models.MeasurementRequest(objective=objective.id, measured_on=measured_on,
                                         value=value, source="Registre des trajets")
        status, measurement = call(generated_client, "defis.mesures_create", client=client,
                                   body=body)
        assert status == 201 and isinstance(measurement, models.Measurement)
    status, objective = call(generated_client, "defis.objectifs_retrieve", client=client,
                             id=objective.id)
    assert Decimal(objective.latest_value) == 35 and objective.latest_on == datetime.date(
        2027, 2, 28)

    # A funding plan: a budget line, a contribution from the catalogue's source.
    body = models.PlanRequest(cluster=cluster.id, title="Plan de financement 2027-2029",
                              first_year=2027, last_year=2029)
    status, plan = call(generated_client, "financements.plans_create", client=client, body=body)
    assert status == 201 and isinstance(plan, models.Plan)
    body = models.BudgetLineRequest(label="Animation du cluster", year=2027, amount="40000")
    status, line = call(generated_client, "financements.plans_lignes_create", client=client,
                        id=plan.id, body=body)
    assert status == 201 and isinstance(line, models.BudgetLine)
    body = models.ContributionRequest(source=scene["source"].slug, year=2027, amount="20000",
                                      status=models.ContributionStatusEnum.DEMANDE)
    status, contribution = call(generated_client, "financements.plans_contributions_create",
                                client=client, id=plan.id, body=body)
    assert status == 201 and isinstance(contribution, models.Contribution)
    status, plan = call(generated_client, "financements.plans_retrieve", client=client,
                        id=plan.id)
    assert (Decimal(plan.budget_total), Decimal(plan.contribution_total)) == (40000, 20000)

    # The dossier, to an open call, then submitted.
    status, calls = call(generated_client, "appels_et_dossiers.appels_list", client=client,
                         is_open=True)
    assert status == 200 and fund_call.slug in [row.slug for row in calls.results]
    body = models.DossierDetailRequest(
        call=fund_call.slug, cluster=cluster.id, title="Mobilités du pays de Martigues",
        summary="Un réseau de covoiturage solidaire entre communes.",
        strategic_plan=STRATEGY, requested_amount="20000")
    status, dossier = call(generated_client, "appels_et_dossiers.dossiers_create",
                           client=client, body=body)
    assert status == 201 and isinstance(dossier, models.DossierDetail)
    assert dossier.status == models.DossierStatusEnum.BROUILLON
    assert all(item.ok for item in dossier.checklist), dossier.checklist
    status, submitted = call(generated_client, "appels_et_dossiers.dossiers_deposer_create",
                             client=client, id=dossier.id,
                             body=models.DossierDepositRequest(version=dossier.version))
    assert status == 200 and isinstance(submitted, models.DossierDetail)
    assert submitted.status == models.DossierStatusEnum.DEPOSE and submitted.checklist is None
    status, error = call(generated_client, "appels_et_dossiers.dossiers_deposer_create",
                         client=client, id=dossier.id)
    assert status == 409 and isinstance(error, models.Error)
    # Another collective's member does not see it.
    status, error = call(generated_client, "appels_et_dossiers.dossiers_retrieve",
                         client=api(member_b), id=dossier.id)
    assert status == 404 and isinstance(error, models.Error)

    # The funder's reviewer finds it in the list, declares, and reads what was built.
    reviewing = api(reviewer)
    status, page = call(generated_client, "instruction.instruction_dossiers_list",
                        client=reviewing, call=fund_call.slug,
                        status=models.DossierStatusEnum.DEPOSE)
    assert status == 200
    assert [(row.id, row.must_declare) for row in page.results] == [(dossier.id, True)]
    status, _declared = call(generated_client,
                             "instruction.instruction_dossiers_declaration_create",
                             client=reviewing, id=dossier.id,
                             body=models.DeclarationInputRequest(has_conflict=False))
    assert status == 201
    status, detail = call(generated_client, "instruction.instruction_dossiers_retrieve",
                          client=reviewing, id=dossier.id)
    assert status == 200 and detail.territory == territory.name
    snapshot = detail.snapshot
    assert [challenge.title for challenge in snapshot.challenges] == [
        "Mobilité solidaire", "Circuits courts"]
    (measured,) = snapshot.challenges[0].objectives
    assert (measured.title, measured.measurement_count) == ("Personnes transportées par mois", 2)
    assert Decimal(snapshot.funding_plan.budget_total) == 40000
