"""A funder's people through the API, for its admin members and the national team: its
members and their role, its pending invitations; invite a reviewer by e-mail, resend or
cancel an invitation, change a member's role, remove a member.

The same access object (`funder_access`) and the same services (funding.services.funders)
as the people page: a reviewer of the funder, like anyone else, is refused (403).
"""

from django.utils import timezone
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cluster.api.parsers import JSONParser
from cluster.api.schema import ErrorSerializer
from funding.models import FunderInvitation, FunderMember
from funding.permissions import FunderAccess, FunderRight, funder_access
from funding.services.funders import (
    funder_invitation_cancel,
    funder_invitation_create,
    funder_invitation_resend,
    funder_member_remove,
    funder_member_set_role,
)

FUNDER_SLUG = OpenApiParameter(
    "funder_slug", str, OpenApiParameter.PATH,
    description="Identifiant du financeur dans ses adresses (« le-french-impact »).")
MANAGES = ("Réservé aux administrateur·rices du financeur et à l'équipe nationale ; ses "
           "instructeur·rices et toute autre personne reçoivent 403, un financeur inconnu 404.")
FORBIDDEN = OpenApiResponse(ErrorSerializer, description=(
    "La personne n'administre pas ce financeur (« permission_denied »)."))
NOT_FOUND = OpenApiResponse(ErrorSerializer, description=(
    "Financeur inconnu, ou personne / invitation d'un autre financeur."))
CONFLICT = OpenApiResponse(ErrorSerializer, description=(
    "Refusé par l'état actuel, avec un message en français : invitation déjà en attente "
    "(« already_invited »), déjà instructeur·rice (« already_member »), invitation déjà "
    "acceptée ou annulée (« already_accepted », « revoked »), dernier·e "
    "administrateur·rice (« last_admin »), rôle inchangé (« unchanged »)."))
READ_ERRORS = {403: FORBIDDEN, 404: NOT_FOUND}
WRITE_ERRORS = {403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT}


class FunderMemberSerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField(help_text=(
        "Nom de la personne, ou son adresse e-mail si elle n'a pas de nom."))
    email = serializers.EmailField(source="user.email", read_only=True)

    class Meta:
        model = FunderMember
        fields = ["id", "name", "email", "role", "joined_at"]
        read_only_fields = fields

    def get_name(self, member) -> str:
        return str(member.user)


class FunderMemberRoleSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=FunderMember.Role.choices, help_text=(
        "« admin » gère les appels et les personnes du financeur ; « reviewer » instruit."))


class FunderInvitationSerializer(serializers.ModelSerializer):
    """An invitation as the funder's admins see it; its secret is only in the e-mail."""

    invited_by = serializers.SerializerMethodField(help_text=(
        "Qui a invité (nom ou adresse), null si son compte n'existe plus."))
    expired = serializers.SerializerMethodField(help_text=(
        "Vrai si le lien a expiré : renvoyez l'invitation pour en envoyer un nouveau."))
    cancelled_at = serializers.DateTimeField(source="revoked_at", read_only=True,
                                             allow_null=True)

    class Meta:
        model = FunderInvitation
        fields = ["id", "email", "created_at", "expires_at", "expired", "invited_by",
                  "cancelled_at"]
        read_only_fields = fields

    def get_invited_by(self, invitation) -> str | None:
        return str(invitation.invited_by) if invitation.invited_by else None

    def get_expired(self, invitation) -> bool:
        return invitation.expires_at <= timezone.now()


class FunderInvitationCreateSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)


class FunderPeoplePermission(permissions.BasePermission):
    """The funder of the address, whose people the person must manage (its access object)."""

    def has_permission(self, request, view):
        view.managed_funder()
        return True

    def has_object_permission(self, request, view, obj):
        return obj.funder_id == view.managed_funder().pk and FunderAccess.of(
            request.user, obj.funder).may(FunderRight.MANAGE_REVIEWERS)


class _FunderPeopleViewSet(viewsets.GenericViewSet):
    permission_classes = [permissions.IsAuthenticated, FunderPeoplePermission]
    parser_classes = [JSONParser]
    _funder = None

    def managed_funder(self):
        """The funder of the address (404 if unknown), whose people the person must manage
        (403 otherwise)."""
        if self._funder is None:
            access = funder_access(self.request.user, self.kwargs.get("funder_slug", ""))
            access.require(FunderRight.MANAGE_REVIEWERS)
            self._funder = access.funder
        return self._funder

    def _of_funder(self, model):
        if getattr(self, "swagger_fake_view", False):
            return model.objects.none()
        return model.objects.filter(funder=self.managed_funder())


@extend_schema(tags=["financeurs"], parameters=[FUNDER_SLUG])
@extend_schema_view(
    list=extend_schema(summary="Les personnes d'un financeur et leur rôle",
                       description=MANAGES + " Administrateur·rices d'abord.",
                       responses={200: FunderMemberSerializer(many=True), **READ_ERRORS}),
    partial_update=extend_schema(
        summary="Changer le rôle d'une personne", request=FunderMemberRoleSerializer,
        description=MANAGES + " Le financeur garde au moins un·e administrateur·rice (409).",
        responses={200: FunderMemberSerializer, **WRITE_ERRORS}),
    destroy=extend_schema(
        summary="Retirer une personne du financeur",
        description=(MANAGES + " Ses avis déjà rendus restent. Le financeur garde au moins "
                     "un·e administrateur·rice (409)."),
        responses={204: None, **WRITE_ERRORS}),
)
class FunderMemberViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin,
                          _FunderPeopleViewSet):
    """The people who review for a funder, and who administers it."""

    serializer_class = FunderMemberSerializer
    http_method_names = ["get", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return self._of_funder(FunderMember).select_related("user", "funder").order_by(
            "role", "user__last_name", "user__first_name", "user__email", "pk")

    def partial_update(self, request, *args, **kwargs):
        member = self.get_object()
        data = FunderMemberRoleSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        member = funder_member_set_role(member=member, role=data.validated_data["role"],
                                        by=request.user)
        return Response(FunderMemberSerializer(member).data)

    def perform_destroy(self, member):
        funder_member_remove(member=member, by=self.request.user)


@extend_schema(tags=["financeurs"], parameters=[FUNDER_SLUG])
@extend_schema_view(
    list=extend_schema(summary="Les invitations en attente d'un financeur",
                       description=MANAGES + " Les plus récentes d'abord ; expirées comprises "
                       "(« expired ») tant qu'elles ne sont ni acceptées ni annulées.",
                       responses={200: FunderInvitationSerializer(many=True), **READ_ERRORS}),
    create=extend_schema(
        summary="Inviter un·e instructeur·rice par e-mail",
        description=(MANAGES + " La personne reçoit un lien valable quelques jours ; son "
                     "secret n'est jamais renvoyé par l'API. 409 si elle instruit déjà pour "
                     "ce financeur ou si une invitation est déjà en attente pour cette "
                     "adresse (quelle que soit la casse)."),
        request=FunderInvitationCreateSerializer,
        responses={201: FunderInvitationSerializer, **WRITE_ERRORS}),
)
class FunderInvitationViewSet(mixins.ListModelMixin, mixins.CreateModelMixin,
                              _FunderPeopleViewSet):
    """The invitations a funder sent to review for it, until accepted or cancelled."""

    serializer_class = FunderInvitationSerializer
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        invitations = self._of_funder(FunderInvitation).select_related("invited_by", "funder")
        if self.action == "list":
            invitations = invitations.filter(accepted_at=None, revoked_at=None)
        return invitations.order_by("-created_at", "-pk")

    def create(self, request, *args, **kwargs):
        data = FunderInvitationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        invitation, _secret = funder_invitation_create(
            funder=self.managed_funder(), email=data.validated_data["email"], by=request.user)
        return Response(FunderInvitationSerializer(invitation).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(summary="Renvoyer une invitation avec un nouveau lien", request=None,
                   description=(MANAGES + " Le lien précédent cesse de fonctionner ; le "
                                "nouveau est valable aussi longtemps qu'une nouvelle "
                                "invitation. 409 si elle est acceptée ou annulée."),
                   responses={200: FunderInvitationSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"], url_path="renvoyer")
    def resend(self, request, *args, **kwargs):
        invitation, _secret = funder_invitation_resend(invitation=self.get_object(),
                                                       by=request.user)
        return Response(FunderInvitationSerializer(invitation).data)

    @extend_schema(summary="Annuler une invitation", request=None,
                   description=(MANAGES + " Son lien cesse de fonctionner. 409 si elle est "
                                "déjà acceptée (retirez alors la personne) ou annulée."),
                   responses={200: FunderInvitationSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"], url_path="annuler")
    def cancel(self, request, *args, **kwargs):
        invitation = funder_invitation_cancel(invitation=self.get_object(), by=request.user)
        return Response(FunderInvitationSerializer(invitation).data)
