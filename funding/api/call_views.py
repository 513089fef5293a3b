"""The back office of calls through the API, for the national team and a funder's
administrators: the same services as the pages (funding.services.calls)."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from funding.api.serializers import CallSerializer
from funding.call_permissions import FunderRight, calls_access
from funding.models import Call, Criterion, Funder
from funding.services import call_close, call_copy, call_grid_save, call_open, call_save

MANAGED = ("Réservé à l'équipe nationale et aux administrateur·rices du financeur de "
           "l'appel (403 sinon).")


class CallWriteSerializer(serializers.ModelSerializer):
    funder = serializers.SlugRelatedField(slug_field="slug", queryset=Funder.objects.all())

    class Meta:
        model = Call
        fields = ["title", "funder", "kind", "wave", "opens_at", "deadline", "max_amount",
                  "description"]
        extra_kwargs = {"title": {"max_length": 180}}
        # The service checks the dates and the wave, with its own messages.
        validators = []


class CriterionWriteSerializer(serializers.Serializer):
    label = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    weight = serializers.IntegerField(min_value=1)
    max_score = serializers.IntegerField(min_value=1)


class GridSerializer(serializers.Serializer):
    criteria = CriterionWriteSerializer(many=True, help_text=(
        "Les critères dans l'ordre ; ils remplacent la grille entière."))


class OpenSerializer(serializers.Serializer):
    opens_at = serializers.DateTimeField()
    deadline = serializers.DateTimeField()


class CallsPermission(permissions.BasePermission):
    """Staff, or an administrator of at least one funder; on a call, of its funder."""

    def has_permission(self, request, view):
        calls_access(request.user).require(FunderRight.MANAGE_CALLS)
        return True

    def has_object_permission(self, request, view, obj):
        calls_access(request.user, obj.pk).require(FunderRight.MANAGE_CALLS)
        return True


@extend_schema(tags=["appels-et-dossiers"])
@extend_schema_view(
    list=extend_schema(summary="Les appels que vous gérez, brouillons compris",
                       description=MANAGED),
    retrieve=extend_schema(summary="Un appel que vous gérez", description=MANAGED),
    create=extend_schema(summary="Créer un appel en brouillon", request=CallWriteSerializer,
                         responses={201: CallSerializer}, description=(
                             MANAGED + " Dates inversées, vague d'un appel qui n'est pas "
                             "de label : 400.")),
    partial_update=extend_schema(summary="Modifier un appel", request=CallWriteSerializer,
                                 responses={200: CallSerializer}, description=MANAGED),
)
class ManagedCallViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                         mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Calls managed by the person: every funder's for staff, its funder's for an
    administrator."""

    serializer_class = CallSerializer
    permission_classes = [permissions.IsAuthenticated, CallsPermission]
    http_method_names = ["get", "post", "patch", "put", "head", "options"]

    def get_queryset(self):
        return calls_access(self.request.user).calls.select_related("funder").prefetch_related(
            Prefetch("criteria", queryset=Criterion.objects.order_by("position", "pk"))
        ).order_by("-deadline", "pk")

    def _answer(self, call, code=status.HTTP_200_OK):
        call = self.get_queryset().get(pk=call.pk)
        return Response(CallSerializer(call, context={"request": self.request}).data,
                        status=code)

    def create(self, request, *args, **kwargs):
        data = CallWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._answer(call_save(by=request.user, **data.validated_data),
                            status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        call = self.get_object()
        data = CallWriteSerializer(call, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        current = {name: getattr(call, name) for name in CallWriteSerializer.Meta.fields}
        return self._answer(call_save(by=request.user, call=call,
                                      **{**current, **data.validated_data}))

    @extend_schema(summary="Remplacer la grille d'évaluation", request=GridSerializer,
                   responses={200: CallSerializer}, description=(
                       MANAGED + " Poids nuls : 400 ; dossiers déjà déposés : 409 "
                       "(« grid_in_use »)."))
    @action(detail=True, methods=["put"], url_path="grille")
    def grid(self, request, pk=None):
        call = self.get_object()
        data = GridSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._answer(call_grid_save(call=call, by=request.user,
                                           criteria=data.validated_data["criteria"]))

    @extend_schema(summary="Ouvrir l'appel aux dossiers", request=OpenSerializer,
                   responses={200: CallSerializer}, description=(
                       MANAGED + " Un brouillon ou un appel à venir, avec une grille ; "
                       "409 sinon."))
    @action(detail=True, methods=["post"], url_path="ouvrir")
    def open(self, request, pk=None):
        call = self.get_object()
        data = OpenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._answer(call_open(call=call, by=request.user, **data.validated_data))

    @extend_schema(summary="Clore l'appel maintenant", request=None,
                   responses={200: CallSerializer},
                   description=MANAGED + " Un appel ouvert seulement ; 409 sinon.")
    @action(detail=True, methods=["post"], url_path="clore")
    def close(self, request, pk=None):
        return self._answer(call_close(call=self.get_object(), by=request.user))

    @extend_schema(summary="Copier l'appel en brouillon", request=None,
                   responses={201: CallSerializer}, description=MANAGED)
    @action(detail=True, methods=["post"], url_path="copier")
    def copy(self, request, pk=None):
        return self._answer(call_copy(call=self.get_object(), by=request.user),
                            status.HTTP_201_CREATED)
