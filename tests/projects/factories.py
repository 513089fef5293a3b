from datetime import date

import factory

from projects.models import CommunityMeeting, CommunityMember

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
