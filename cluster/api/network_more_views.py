"""API of the network beside transfers: savoir-faire and besoins, regulatory blockers,
national masterclasses. The same services and access helpers as the pages
(cluster.network_permissions), so the same rules and the same e-mails."""

from django.db.models import BooleanField, Count, Exists, OuterRef, Value
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cluster.models import Blocker, Challenge, Cluster, KnowHow, Masterclass
from cluster.network_models import TEXT_MAX_LENGTH
from cluster.network_permissions import (
    BLOCKER_RELATIONS,
    access_to_blocker,
    access_to_know_how,
    lifted_blockers,
    masterclass_access,
    visible_blockers,
    visible_know_how,
)
from cluster.permissions import access_to_cluster, visible_clusters
from cluster.services.network import (
    blocker_raise,
    blocker_track,
    know_how_add,
    know_how_delete,
    masterclass_join,
    masterclass_leave,
)
from cluster.services.network_staff import masterclass_cancel, masterclass_save
from territories.models import Theme
from territories.permissions import AccessPermission


def _theme_field(**options):
    return serializers.SlugRelatedField(
        slug_field="slug", queryset=Theme.objects.national(),
        help_text=_("Identifiant de l'un des cinq thèmes nationaux."), **options)


def _your_cluster(help_text):
    # A cluster the person reads: a member is told why (403), anyone else learns nothing.
    return serializers.PrimaryKeyRelatedField(queryset=Cluster.objects.none(),
                                              help_text=help_text)


def _clusters_of(serializer, request):
    serializer.fields["cluster"].queryset = visible_clusters(request.user).select_related(
        "territory", "collective")


FORBIDDEN = OpenApiResponse(description=_("Action réservée à d'autres rôles."))
CONFLICT = OpenApiResponse(description=_("Changement refusé dans l'état actuel."))


# Savoir-faire and besoins -------------------------------------------------------------------

class KnowHowSerializer(serializers.ModelSerializer):
    territory = serializers.SlugRelatedField(source="cluster.territory", slug_field="slug",
                                             read_only=True)
    theme = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = KnowHow
        fields = ["id", "cluster", "territory", "kind", "theme", "text"]
        read_only_fields = fields


class KnowHowCreateSerializer(serializers.Serializer):
    cluster = _your_cluster(_("Votre cluster (réservé à ses animateur·rices)."))
    kind = serializers.ChoiceField(choices=KnowHow.Kind.choices)
    theme = _theme_field()
    text = serializers.CharField(max_length=300)


@extend_schema(tags=["reseau"])
@extend_schema_view(
    list=extend_schema(summary="Savoir-faire et besoins des territoires",
                       description="Ceux des territoires que la personne lit (publiés pour "
                                   "le public)."),
    retrieve=extend_schema(summary="Un savoir-faire ou un besoin"),
    destroy=extend_schema(summary="Retirer un savoir-faire ou un besoin",
                          description="Réservé aux animateur·rices du cluster et à l'équipe "
                                      "nationale (403 sinon).",
                          responses={204: None, 403: FORBIDDEN}),
)
class KnowHowViewSet(mixins.DestroyModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = KnowHowSerializer
    permission_classes = [AccessPermission]
    public = True
    write_right = "share"
    filterset_fields = ["kind", "cluster"]

    def get_queryset(self):
        return visible_know_how(self.request.user).select_related(
            "cluster__territory", "cluster__collective", "theme").order_by("pk")

    def access_of(self, item):
        return access_to_know_how(self.request.user, item)

    @extend_schema(
        summary="Ajouter un savoir-faire ou un besoin",
        description="Réservé aux animateur·rices du cluster et à l'équipe nationale (403 "
                    "sinon) ; 400 pour un cluster que la personne ne lit pas.",
        request=KnowHowCreateSerializer,
        responses={201: KnowHowSerializer, 403: FORBIDDEN})
    def create(self, request, *args, **kwargs):
        serializer = KnowHowCreateSerializer(data=request.data)
        _clusters_of(serializer, request)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        access_to_cluster(request.user, data["cluster"]).require("share")
        item = know_how_add(**data)
        return Response(KnowHowSerializer(item).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        know_how_delete(item=instance)


# Regulatory blockers ------------------------------------------------------------------------

class BlockerSerializer(serializers.ModelSerializer):
    territory = serializers.SlugRelatedField(source="cluster.territory", slug_field="slug",
                                             read_only=True)
    lifted_on = serializers.DateField(read_only=True, allow_null=True,
                                      help_text=_("Date de levée, sinon null."))

    class Meta:
        model = Blocker
        fields = ["id", "cluster", "territory", "challenge", "rule", "text", "status",
                  "sponsor", "public_summary", "raised_at", "updated_at", "lifted_on"]
        read_only_fields = fields


class BlockerCreateSerializer(serializers.Serializer):
    cluster = _your_cluster(_("Votre cluster (réservé à ses animateur·rices)."))
    challenge = serializers.PrimaryKeyRelatedField(
        queryset=Challenge.objects.all(), help_text=_("Le défi du cluster que ce frein retient."))
    rule = serializers.CharField(max_length=300, allow_blank=True,
                                 help_text=_("Le texte, l'article ou la procédure qui bloque."))
    text = serializers.CharField(max_length=TEXT_MAX_LENGTH, allow_blank=True)


class BlockerTrackSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Blocker.Status.choices)
    sponsor = serializers.CharField(max_length=200, required=False, allow_blank=True,
                                    default="", help_text=_("Obligatoire pour « parraine »."))
    public_summary = serializers.CharField(
        max_length=TEXT_MAX_LENGTH, required=False, allow_blank=True, default="",
        help_text=_("Obligatoire pour « leve » : il devient public."))


class LiftedBlockerSerializer(serializers.ModelSerializer):
    territory = serializers.SlugRelatedField(source="cluster.territory", slug_field="slug",
                                             read_only=True)
    territory_name = serializers.CharField(source="cluster.territory.name", read_only=True)
    challenge = serializers.CharField(source="challenge.title", read_only=True)
    lifted_on = serializers.DateField(read_only=True, allow_null=True)

    class Meta:
        model = Blocker
        fields = ["id", "territory", "territory_name", "challenge", "rule", "sponsor",
                  "public_summary", "lifted_on"]
        read_only_fields = fields


@extend_schema(tags=["reseau"])
@extend_schema_view(
    list=extend_schema(summary="Freins réglementaires",
                       description="Ceux des clusters de la personne ; tous pour l'équipe "
                                   "nationale. Le public lit les freins levés dans "
                                   "/api/freins-leves/."),
    retrieve=extend_schema(summary="Un frein réglementaire"),
)
class BlockerViewSet(viewsets.ReadOnlyModelViewSet):
    """Regulatory blockers: raised by a territory's facilitators, tracked by the national
    team."""

    serializer_class = BlockerSerializer
    permission_classes = [AccessPermission]
    write_right = None  # each action asks its own right below
    filterset_fields = ["status", "cluster"]

    def get_queryset(self):
        return visible_blockers(self.request.user).select_related(
            *BLOCKER_RELATIONS).order_by("-raised_at", "-pk")

    @extend_schema(
        summary="Remonter un frein réglementaire à l'équipe nationale",
        description="Réservé aux animateur·rices du cluster (403 sinon) ; 400 pour une règle "
                    "vide, un défi d'un autre cluster ou un cluster que la personne ne lit "
                    "pas. L'équipe nationale est prévenue par e-mail.",
        request=BlockerCreateSerializer,
        responses={201: BlockerSerializer, 403: FORBIDDEN})
    def create(self, request, *args, **kwargs):
        serializer = BlockerCreateSerializer(data=request.data)
        _clusters_of(serializer, request)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        access_to_cluster(request.user, data["cluster"]).require("raise_blocker")
        blocker = blocker_raise(by=request.user, **data)
        return Response(BlockerSerializer(blocker).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Changer l'état d'un frein",
        description="Réservé à l'équipe nationale (403 sinon) : instruit, parraine (avec le "
                    "parrain), leve (avec le résumé public), sans_suite. 409 pour un "
                    "changement que l'état actuel n'admet pas. Les animateur·rices du "
                    "territoire sont prévenu·es par e-mail.",
        request=BlockerTrackSerializer,
        responses={200: BlockerSerializer, 403: FORBIDDEN, 409: CONFLICT})
    @action(detail=True, methods=["post"], url_path="suivre")
    def track(self, request, pk=None):
        blocker = self.get_object()
        access_to_blocker(request.user, blocker).require("track")
        serializer = BlockerTrackSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        blocker = blocker_track(blocker=blocker, **serializer.validated_data)
        return Response(BlockerSerializer(blocker).data)


@extend_schema(tags=["reseau"])
@extend_schema_view(
    list=extend_schema(summary="Freins réglementaires levés",
                       description="Leur résumé public, pour les territoires publiés."),
    retrieve=extend_schema(summary="Un frein réglementaire levé"),
)
class LiftedBlockerViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = LiftedBlockerSerializer
    permission_classes = [AccessPermission]
    public = True

    def get_queryset(self):
        return lifted_blockers().select_related("cluster__territory", "challenge").order_by(
            "-lifted_on", "-pk")


# National masterclasses ---------------------------------------------------------------------

class MasterclassSerializer(serializers.ModelSerializer):
    theme = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    participant_count = serializers.IntegerField(read_only=True)
    joined = serializers.BooleanField(read_only=True, help_text=_(
        "Vrai quand la personne qui demande est inscrite."))

    class Meta:
        model = Masterclass
        fields = ["id", "title", "theme", "starts_at", "place", "description",
                  "participant_count", "joined"]
        read_only_fields = fields


class MasterclassWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    theme = _theme_field(required=False, allow_null=True, default=None)
    starts_at = serializers.DateTimeField(help_text=_("À venir."))
    place = serializers.CharField(max_length=300)
    description = serializers.CharField(max_length=TEXT_MAX_LENGTH, required=False,
                                        allow_blank=True, default="")


@extend_schema(tags=["reseau"])
@extend_schema_view(
    list=extend_schema(summary="Masterclasses nationales",
                       description="Toutes, les prochaines d'abord ; lisibles par tous."),
    retrieve=extend_schema(summary="Une masterclass nationale"),
)
class MasterclassViewSet(viewsets.ReadOnlyModelViewSet):
    """National masterclasses: read by anyone, joined by members of any collective,
    organised by the national team."""

    serializer_class = MasterclassSerializer
    permission_classes = [AccessPermission]
    public = True
    write_right = None  # each action asks its own right below
    filterset_fields = ["theme"]

    def get_queryset(self):
        user = self.request.user
        masterclasses = Masterclass.objects.select_related("theme").annotate(
            participant_count=Count("participants", distinct=True))
        joined = Exists(Masterclass.participants.through.objects.filter(
            masterclass=OuterRef("pk"), user=user)) if user.is_authenticated else Value(
            False, output_field=BooleanField())
        return masterclasses.annotate(joined=joined).order_by("-starts_at", "pk")

    def _save(self, request, masterclass=None):
        masterclass_access(request.user).require("organise")
        serializer = MasterclassWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        saved = masterclass_save(masterclass=masterclass, **serializer.validated_data)
        return self.get_queryset().get(pk=saved.pk)

    @extend_schema(summary="Annoncer une masterclass",
                   description="Réservé à l'équipe nationale (403 sinon) ; la date est à "
                               "venir.",
                   request=MasterclassWriteSerializer,
                   responses={201: MasterclassSerializer, 403: FORBIDDEN})
    def create(self, request, *args, **kwargs):
        return Response(self.get_serializer(self._save(request)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(summary="Modifier une masterclass à venir",
                   description="Réservé à l'équipe nationale (403 sinon) ; 409 une fois "
                               "la masterclass commencée.",
                   request=MasterclassWriteSerializer,
                   responses={200: MasterclassSerializer, 403: FORBIDDEN, 409: CONFLICT})
    def update(self, request, *args, **kwargs):
        return Response(self.get_serializer(self._save(request, self.get_object())).data)

    @extend_schema(summary="Annuler une masterclass à venir",
                   description="Réservé à l'équipe nationale (403 sinon) ; les inscrit·es "
                               "sont prévenu·es par e-mail. 409 une fois commencée.",
                   responses={204: None, 403: FORBIDDEN, 409: CONFLICT})
    def destroy(self, request, *args, **kwargs):
        masterclass = self.get_object()
        masterclass_access(request.user).require("organise")
        masterclass_cancel(masterclass=masterclass)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _membership(self, request, service):
        masterclass = self.get_object()
        masterclass_access(request.user).require("join")
        service(masterclass=masterclass, user=request.user)
        return Response(self.get_serializer(self.get_queryset().get(pk=masterclass.pk)).data)

    @extend_schema(summary="M'inscrire à une masterclass",
                   description="Réservé aux membres d'un collectif (400 sinon) ; 409 une fois "
                               "commencée.",
                   request=None, responses={200: MasterclassSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"], url_path="inscription")
    def join(self, request, pk=None):
        return self._membership(request, masterclass_join)

    @extend_schema(summary="Me désinscrire d'une masterclass", request=None,
                   responses={200: MasterclassSerializer})
    @action(detail=True, methods=["post"], url_path="desinscription")
    def leave(self, request, pk=None):
        return self._membership(request, masterclass_leave)
