"""A network of N territories, written in bulk, for the national dashboard's tests and bench.

Each territory has a label (in waves of 20), a cluster with its seven steps, two défis
with an objective that adopts a shared indicator and two measurements, one in a unit of
its own, two projects (one published) with an outcome, and a funding plan.
"""

from datetime import date
from decimal import Decimal

from cluster.latest_measurements import refresh_latest_measurements
from cluster.models import (
    Challenge,
    Cluster,
    Collective,
    Measurement,
    Objective,
    RoadmapStep,
    SharedIndicator,
)
from funding.models import BudgetLine, Contribution, Funder, FundingPlan, FundingSource
from projects.models import Project, ProjectOutcome
from territories.models import Label, Territory


def build_network(size, *, prefix="reseau"):
    """Write `size` published territories with their figures; return them."""
    jobs = SharedIndicator.objects.get(slug="emplois-insertion")
    bike = SharedIndicator.objects.get(slug="part-velo-domicile-travail")
    collective = Collective.objects.create(name=f"Collectif {prefix}", slug=f"collectif-{prefix}")
    territories = Territory.objects.bulk_create(
        Territory(name=f"Territoire {prefix} {n:03d}", slug=f"{prefix}-{n:03d}",
                  kind=Territory.Kind.RURAL, is_published=True) for n in range(size))
    Label.objects.bulk_create(
        Label(territory=territory, status=Label.Status.LABELLED, wave=1 + n // 20,
              labelled_on=date(2019, 2, 1)) for n, territory in enumerate(territories))
    clusters = Cluster.objects.bulk_create(
        Cluster(collective=collective, territory=territory, start_date=date(2026, 1, 1))
        for territory in territories)
    steps = []
    for cluster in clusters:
        for number, kind in enumerate(RoadmapStep.Kind.values, start=1):
            status = (RoadmapStep.Status.DONE if number < 3 else RoadmapStep.Status.DOING
                      if number == 3 else RoadmapStep.Status.TODO)
            steps.append(RoadmapStep(cluster=cluster, number=number, kind=kind, status=status,
                                     start_date=date(2026, 1, 1), end_date=date(2026, 12, 31)))
    RoadmapStep.objects.bulk_create(steps)
    challenges = Challenge.objects.bulk_create(
        Challenge(cluster=cluster, title=f"Défi {n}", position=n)
        for cluster in clusters for n in range(2))
    objectives = Objective.objects.bulk_create(
        Objective(challenge=challenge, title=title, shared_indicator=indicator, unit=unit,
                  baseline=Decimal(0), target=target, target_date=date(2026, 12, 31))
        for challenge in challenges[::2]
        for title, indicator, unit, target in (
            ("Emplois d'insertion", jobs, "ETP", Decimal(20)),
            ("Vélo", bike, "%", Decimal(15)),
            ("Emplois (autre unité)", jobs, "emplois", Decimal(30))))
    Measurement.objects.bulk_create(
        Measurement(objective=objective, measured_on=day, value=value, source="Démonstration")
        for objective in objectives
        for day, value in ((date(2025, 6, 1), Decimal(2)), (date(2025, 12, 1), Decimal(4)),
                           (date(2026, 3, 1), Decimal(6))))
    refresh_latest_measurements(objective.pk for objective in objectives)
    projects = Project.objects.bulk_create(
        Project(cluster=challenge.cluster, challenge=challenge, title=f"Projet {n}",
                slug=f"{prefix}-projet-{challenge.pk}-{n}", summary="…",
                stage=Project.Stage.PROTOTYPE if n else Project.Stage.IDEA,
                is_published=bool(n))
        for challenge in challenges[::2] for n in range(2))
    ProjectOutcome.objects.bulk_create(
        ProjectOutcome(project=project, indicator=jobs, measured_on=date(2025, 11, 1),
                       value=Decimal(1), source="Démonstration") for project in projects)
    funder = Funder.objects.create(name=f"Financeur {prefix}", slug=f"financeur-{prefix}",
                                   kind=Funder.Kind.values[0])
    source = FundingSource.objects.create(name=f"Programme {prefix}",
                                          slug=f"programme-{prefix}", funder=funder,
                                          kind=FundingSource.Kind.values[0],
                                          scope=FundingSource.Scope.values[0])
    plans = FundingPlan.objects.bulk_create(
        FundingPlan(cluster=cluster, title="Plan", first_year=2026, last_year=2026)
        for cluster in clusters)
    BudgetLine.objects.bulk_create(BudgetLine(plan=plan, label="Animation", year=2026,
                                              amount=Decimal(1000)) for plan in plans)
    Contribution.objects.bulk_create(
        Contribution(plan=plan, source=source, year=2026, amount=Decimal(amount), status=status)
        for plan in plans for amount, status in ((600, Contribution.Status.GRANTED),
                                                 (300, Contribution.Status.ENVISAGED)))
    return territories
