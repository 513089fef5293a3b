from django.core.exceptions import ValidationError as ModelValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from cluster.permissions import can_steer
from funding.api.filters import CallApiFilter, DossierApiFilter
from funding.api.serializers import (
    CallSerializer,
    DossierDepositSerializer,
    DossierDetailSerializer,
    DossierSerializer,
)
from funding.models import Criterion, DossierEvent
from funding.permissions import (
    can_start_dossier,
    is_dossier_member,
    visible_calls,
    visible_dossiers,
)
from funding.services import DOSSIER_FIELDS, dossier_deposit, dossier_save, dossier_start

# Calls and dossiers ------------------------------------------------------------------------


@extend_schema(tags=["appels et dossiers"])
@extend_schema_view(
    list=extend_schema(summary="Les appels ouverts et clos, avec leur grille"),
    retrieve=extend_schema(summary="Un appel et sa grille d'évaluation"),
)
class CallViewSet(viewsets.ReadOnlyModelViewSet):
    """Calls of funders and labelling bodies, public once open, with their scoring grid."""

    serializer_class = CallSerializer
    permission_classes = [permissions.AllowAny]
    lookup_field = "slug"
    filterset_class = CallApiFilter

    def get_queryset(self):
        return visible_calls(self.request.user).select_related("funder").prefetch_related(
            Prefetch("criteria", queryset=Criterion.objects.order_by("position", "pk"))
        ).order_by("-deadline", "pk")


class DossierPermission(permissions.BasePermission):
    """Read the dossiers the person sees; change them as a member of the collective."""

    message = "Seuls les membres du collectif modifient son dossier."

    def has_permission(self, request, view):
        return request.user.is_authenticated

    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS:
            return True
        return is_dossier_member(request.user, obj)


@extend_schema(tags=["appels et dossiers"])
@extend_schema_view(
    list=extend_schema(summary="Les dossiers que vous lisez", description=(
        "Membres d'un collectif : les dossiers de ses clusters, brouillons compris. "
        "Instructeur·rices : les dossiers déposés aux appels de leur financeur, jamais les "
        "brouillons. Équipe nationale : tous.")),
    retrieve=extend_schema(summary="Un dossier, sa liste de complétude, son contenu déposé"),
    create=extend_schema(summary="Préparer un dossier", description=(
        "Réservé aux animateur·rices du collectif du cluster et à l'équipe nationale ; un "
        "dossier par appel et par cluster (409 sinon), jamais après la date limite."),
        responses={201: DossierDetailSerializer}),
    update=extend_schema(summary="Modifier un dossier en brouillon", description=(
        "Chaque membre du collectif modifie le dossier tant qu'il est en brouillon ou qu'un "
        "complément est demandé. `version` est obligatoire : 409 si quelqu'un l'a modifié "
        "entre-temps."), responses=DossierDetailSerializer),
    partial_update=extend_schema(summary="Modifier une partie d'un dossier en brouillon",
                                 responses=DossierDetailSerializer),
)
class DossierViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin,
                     viewsets.ReadOnlyModelViewSet):
    """A collective's dossiers: the same rules as the pages, through the same services."""

    permission_classes = [DossierPermission]
    filterset_class = DossierApiFilter

    def get_serializer_class(self):
        return DossierSerializer if self.action == "list" else DossierDetailSerializer

    def get_queryset(self):
        dossiers = visible_dossiers(self.request.user).select_related(
            "call__funder", "cluster__territory", "cluster__collective",
        ).order_by("-updated_at", "pk")
        if self.action != "list":
            dossiers = dossiers.prefetch_related(Prefetch(
                "events", queryset=DossierEvent.objects.select_related("by").order_by("at",
                                                                                     "pk")))
        return dossiers

    def _fresh(self, dossier):
        return self.get_queryset().get(pk=dossier.pk)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        call, cluster = data.pop("call"), data.pop("cluster")
        data.pop("version", None)
        if not can_start_dossier(request.user, cluster):
            raise PermissionDenied(_("Seuls les animateur·rices du collectif préparent un "
                                     "nouveau dossier."))
        with transaction.atomic():
            dossier = dossier_start(call=call, cluster=cluster, by=request.user,
                                    title=data.pop("title", ""))
            fields = {name: value for name, value in data.items() if name in DOSSIER_FIELDS}
            if fields:
                dossier = self._save(dossier, fields, dossier.version)
        return Response(self.get_serializer(self._fresh(dossier)).data,
                        status=status.HTTP_201_CREATED)

    def update(self, request, *args, partial=False, **kwargs):
        dossier = self.get_object()
        serializer = self.get_serializer(dossier, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        for name in ("call", "cluster"):
            if name in data and data[name] != getattr(dossier, name):
                raise serializers.ValidationError(
                    {name: [_("L'appel et le cluster d'un dossier ne changent pas.")]})
        if "version" not in data:
            raise serializers.ValidationError({"version": [_(
                "Indiquez la version du dossier lue avant la modification.")]})
        fields = {name: value for name, value in data.items() if name in DOSSIER_FIELDS}
        dossier = self._save(dossier, fields, data["version"])
        return Response(self.get_serializer(self._fresh(dossier)).data)

    def _save(self, dossier, fields, version):
        try:
            return dossier_save(dossier=dossier, fields=fields, version=version)
        except ModelValidationError as error:
            raise serializers.ValidationError(error.message_dict) from None

    @extend_schema(
        summary="Déposer le dossier",
        description=("Réservé aux animateur·rices du collectif et à l'équipe nationale. Dépose "
                     "un brouillon complet avant la date limite, ou dépose à nouveau un dossier "
                     "dont un complément est demandé. Le contenu est figé et le PDF produit. "
                     "400 si le dossier est incomplet (`code` « incomplete ») ou la date limite "
                     "passée (« deadline_passed ») ; 409 s'il n'est pas à déposer ou a changé "
                     "depuis la `version` indiquée."),
        request=DossierDepositSerializer, responses=DossierDetailSerializer)
    @action(detail=True, methods=["post"], url_path="deposer")
    def deposer(self, request, pk=None):
        dossier = self.get_object()
        if not can_steer(request.user, dossier.cluster):
            raise PermissionDenied(_("Seuls les animateur·rices du collectif déposent son "
                                     "dossier."))
        serializer = DossierDepositSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        dossier = dossier_deposit(dossier=dossier, by=request.user,
                                  version=serializer.validated_data.get("version"))
        return Response(DossierDetailSerializer(self._fresh(dossier),
                                                context=self.get_serializer_context()).data)
