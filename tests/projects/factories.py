from datetime import date, timedelta

import factory
from django.utils import timezone
from django.utils.text import slugify

from projects.models import Event, Registration

# Projects ---------------------------------------------------------------------------------

# Events -----------------------------------------------------------------------------------


def _new_cluster():
    from cluster.services import cluster_create
    from tests.cluster.factories import CollectiveFactory
    from tests.territories.factories import TerritoryFactory

    return cluster_create(collective=CollectiveFactory(), territory=TerritoryFactory(),
                          start_date=date(2026, 1, 1))


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event
        skip_postgeneration_save = True

    cluster = factory.LazyFunction(_new_cluster)
    title = factory.Sequence(lambda n: f"Rencontre n°{n}")
    slug = factory.LazyAttribute(lambda event: slugify(event.title))
    starts_at = factory.LazyFunction(
        lambda: (timezone.now() + timedelta(days=30)).replace(second=0, microsecond=0))
    ends_at = factory.LazyAttribute(lambda event: event.starts_at + timedelta(hours=3))
    address = "Cité des associations, 93 La Canebière, 13001 Marseille"
    programme = "Accueil\nPrésentation des projets"
    capacity = 50
    is_published = True


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    name = factory.Faker("name", locale="fr_FR")
    email = factory.Sequence(lambda n: f"participant{n}@exemple.fr")
    status = Registration.Status.CONFIRMED
