from datetime import date, timedelta

import factory
from django.utils import timezone
from django.utils.text import slugify

from cluster.models import Challenge, CollectiveActor, Engagement, Objective
from funding.models import (
    BudgetLine,
    Call,
    Contribution,
    Criterion,
    Dossier,
    Funder,
    FunderMember,
    FundingPlan,
    FundingSource,
)
from territories.models import Actor
from tests.cluster.factories import UserFactory
from tests.territories.factories import TerritoryFactory


class FunderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Funder
        # The catalogue's migration already creates some funders (Le French Impact…):
        # a factory asked for one of them returns it.
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Fondation territoriale n°{n}")
    slug = factory.LazyAttribute(lambda funder: slugify(funder.name))
    kind = Funder.Kind.FOUNDATION


class FunderMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FunderMember

    user = factory.SubFactory(UserFactory)
    funder = factory.SubFactory(FunderFactory)


# Catalogue and funding plans -------------------------------------------------------------

class FundingSourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundingSource

    name = factory.Sequence(lambda n: f"Appel à projets n°{n}")
    slug = factory.LazyAttribute(lambda source: slugify(source.name))
    funder = factory.SubFactory(FunderFactory)
    kind = FundingSource.Kind.GRANT
    scope = FundingSource.Scope.LOCAL


class FundingPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundingPlan

    cluster = None  # required: FundingPlanFactory(cluster=…)
    title = factory.Sequence(lambda n: f"Plan de financement n°{n}")
    first_year = 2026
    last_year = 2028


class BudgetLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BudgetLine

    label = factory.Sequence(lambda n: f"Dépense n°{n}")
    year = factory.LazyAttribute(lambda line: line.plan.first_year)
    amount = 10_000


class ContributionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contribution

    source = factory.SubFactory(FundingSourceFactory)
    year = factory.LazyAttribute(lambda contribution: contribution.plan.first_year)
    amount = 5_000
    status = Contribution.Status.ENVISAGED


# Calls and dossiers ------------------------------------------------------------------------

class CallFactory(factory.django.DjangoModelFactory):
    """An open funding call, closing in two months."""

    class Meta:
        model = Call

    funder = factory.SubFactory(FunderFactory)
    kind = Call.Kind.FUNDING
    title = factory.Sequence(lambda n: f"Appel à projets n°{n}")
    slug = factory.LazyAttribute(lambda call: slugify(call.title))
    description = "Soutenir les projets d'innovation sociale du territoire."
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=30))
    deadline = factory.LazyFunction(lambda: timezone.now() + timedelta(days=60))
    max_amount = 50_000
    # A label call labels its accepted territories in a wave (funding.labels).
    wave = factory.LazyAttribute(lambda call: 3 if call.kind == Call.Kind.LABEL else None)


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    call = factory.SubFactory(CallFactory)
    label = factory.Sequence(lambda n: f"Critère n°{n}")
    position = factory.Sequence(lambda n: n)


class DossierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dossier

    call = factory.SubFactory(CallFactory)
    cluster = None  # required: DossierFactory(cluster=…)
    title = factory.Sequence(lambda n: f"Dossier n°{n}")


LONG_PLAN = ("Année 1 : cartographier les acteurs et installer le comité de pilotage. "
             "Année 2 : lancer les prototypes des trois défis avec les incubateurs du "
             "territoire et mesurer chaque trimestre. Année 3 : essaimer ce qui marche vers "
             "les quartiers prioritaires et les territoires voisins, consolider un fonds "
             "territorial hybride et rédiger le schéma directeur de l'innovation responsable.")


def make_complete(cluster, *, challenges=3):
    """Give the cluster what the label asks for: actors, défis, cooperation, a company."""
    territory, collective = cluster.territory, cluster.collective
    families = ["collectivite", "ess", "entreprise"]
    for number, family in enumerate(families):
        actor = Actor.objects.create(territory=territory, name=f"Acteur {number}",
                                     kind="association")
        CollectiveActor.objects.create(collective=collective, actor=actor, family=family)
    for number in range(challenges):
        challenge = Challenge.objects.create(cluster=cluster, title=f"Défi {number}",
                                             kind="social", position=number)
        Objective.objects.create(challenge=challenge, title=f"Objectif {number}",
                                 unit="personnes", baseline=10, target=110,
                                 target_date=date(2029, 1, 1))
    territory.cooperation_territories.add(TerritoryFactory(name="Vallée de l'Huveaune"))
    company = Actor.objects.create(territory=territory, name="Les Paniers", kind="pme")
    Engagement.objects.create(cluster=cluster, company=company, size="pme",
                              kind="partenariat")
