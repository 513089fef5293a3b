from datetime import date

import factory

from cluster.models import Challenge
from projects.models import CommunityMeeting, CommunityMember, Project
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
