from datetime import date, timedelta

import factory
from django.utils import timezone
from django.utils.text import slugify

from cluster.models import Challenge
from projects.models import CommunityMeeting, CommunityMember, Event, Project, Registration
from territories.models import Actor

# Projects --------------------------------------------------------------------------------


class ActorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Actor

    name = factory.Sequence(lambda n: f"Association n°{n}")
    kind = Actor.Kind.ASSOCIATION
    is_published = True


class ChallengeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Challenge

    title = factory.Sequence(lambda n: f"Défi n°{n}")
    kind = Challenge.Kind.SOCIAL


class ProjectFactory(factory.django.DjangoModelFactory):
    """A project of a cluster, answering one of its défis, carried by one of its actors."""

    class Meta:
        model = Project
        skip_postgeneration_save = True

    cluster = None  # required: ProjectFactory(cluster=…)
    challenge = factory.LazyAttribute(lambda project: ChallengeFactory(cluster=project.cluster))
    title = factory.Sequence(lambda n: f"Projet n°{n}")
    slug = factory.Sequence(lambda n: f"projet-{n}")
    summary = "Un projet de la communauté."

    @factory.post_generation
    def carriers(self, create, extracted, **kwargs):
        if create:
            self.carriers.set(extracted or [ActorFactory(territory=self.cluster.territory)])


# Community --------------------------------------------------------------------------------


class CommunityMemberFactory(factory.django.DjangoModelFactory):
    """A person of a cluster's community; pass `cluster`."""

    class Meta:
        model = CommunityMember

    name = factory.Sequence(lambda n: f"Personne n°{n}")
    email = factory.Sequence(lambda n: f"personne{n}@communaute.example")
    joined_on = date(2026, 1, 5)


class CommunityMeetingFactory(factory.django.DjangoModelFactory):
    """A meeting of a cluster's community; pass `cluster`, and `attendees` as a list."""

    class Meta:
        model = CommunityMeeting
        skip_postgeneration_save = True

    held_on = date(2026, 2, 1)
    title = factory.Sequence(lambda n: f"Rencontre n°{n}")

    @factory.post_generation
    def attendees(self, create, extracted, **kwargs):
        if create and extracted:
            self.attendees.set(extracted)


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
