import factory
from django.utils.text import slugify

from funding.models import Funder, FunderMember
from tests.cluster.factories import UserFactory


class FunderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Funder

    name = factory.Sequence(lambda n: f"Fondation territoriale n°{n}")
    slug = factory.LazyAttribute(lambda funder: slugify(funder.name))
    kind = Funder.Kind.FOUNDATION


class FunderMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FunderMember

    user = factory.SubFactory(UserFactory)
    funder = factory.SubFactory(FunderFactory)
