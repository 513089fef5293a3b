import factory
from django.utils.text import slugify

from cluster.models import Collective, Membership, User

PASSWORD = "mot-de-passe-de-test-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@exemple.fr")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    password = factory.django.Password(PASSWORD)


class CollectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Collective

    name = factory.Sequence(lambda n: f"Collectif porteur n°{n}")
    slug = factory.LazyAttribute(lambda collective: slugify(collective.name))


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    collective = factory.SubFactory(CollectiveFactory)
    role = Membership.Role.MEMBER
