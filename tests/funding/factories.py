import factory
from django.utils.text import slugify

from funding.models import (
    BudgetLine,
    Contribution,
    Funder,
    FunderMember,
    FundingPlan,
    FundingSource,
)
from tests.cluster.factories import UserFactory


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
