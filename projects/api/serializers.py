from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cluster.api.cluster_serializers import VisibleRelatedField
from cluster.models import Cluster
from projects.models import Event, Registration
from projects.permissions import visible_projects
from territories.models import Place
from territories.permissions import visible_items

# Projects ---------------------------------------------------------------------------------

# Events -----------------------------------------------------------------------------------


class VisiblePlaceField(serializers.PrimaryKeyRelatedField):
    """A place the person may see on the map; any other id is "not found"."""

    def get_queryset(self):
        return visible_items(self.context["request"].user, Place.objects.all())


class VisibleProjectField(serializers.PrimaryKeyRelatedField):
    """A project the person may read; any other id is "not found"."""

    def get_queryset(self):
        return visible_projects(self.context["request"].user)


class EventSerializer(serializers.ModelSerializer):
    cluster = VisibleRelatedField(
        queryset=Cluster.objects.all(), cluster_path="",
        help_text=_("Cluster organisateur ; il ne change plus une fois l'évènement créé."))
    place = VisiblePlaceField(required=False, allow_null=True,
                              help_text=_("Lieu cartographié du territoire du cluster."))
    place_name = serializers.CharField(source="place.name", read_only=True, default=None)
    projects = VisibleProjectField(many=True, required=False,
                                   help_text=_("Projets du cluster présentés."))
    confirmed_count = serializers.IntegerField(read_only=True,
                                               help_text=_("Inscriptions confirmées."))
    waiting_count = serializers.IntegerField(read_only=True,
                                             help_text=_("Personnes sur liste d'attente."))
    remaining = serializers.SerializerMethodField(help_text=_("Places encore libres."))
    url = serializers.SerializerMethodField(help_text=_("Page publique de l'évènement."))

    class Meta:
        model = Event
        fields = ["id", "cluster", "title", "slug", "starts_at", "ends_at", "place",
                  "place_name", "address", "programme", "capacity", "projects",
                  "is_published", "confirmed_count", "waiting_count", "remaining", "url",
                  "created_at"]
        read_only_fields = ["id", "slug", "created_at"]
        # event_create and event_update check the rules across fields (end after start,
        # a place or an address, place and projects of the cluster) and answer in French.
        validators = []

    def get_remaining(self, event) -> int:
        return max(event.capacity - getattr(event, "confirmed_count", 0), 0)

    def get_url(self, event) -> str:
        return self.context["request"].build_absolute_uri(event.get_absolute_url())


class RegistrationSerializer(serializers.ModelSerializer):
    """A registration: `status` says whether the place is confirmed or on the waiting list."""

    class Meta:
        model = Registration
        fields = ["id", "name", "email", "status", "attended", "created_at"]
        read_only_fields = fields


class RegistrationCreateSerializer(serializers.ModelSerializer):
    """A registration as the person who registers sends it."""

    class Meta:
        model = Registration
        fields = ["name", "email"]
        # registration_create refuses a second live registration, under the event's lock.
        validators = []
