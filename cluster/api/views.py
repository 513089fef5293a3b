from django.db.models import prefetch_related_objects
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.response import Response
from rest_framework.reverse import reverse

from cluster.api.serializers import MeSerializer


@extend_schema(
    tags=["accueil"],
    summary="Point d'entrée de l'API",
    responses=inline_serializer("ApiRoot", {
        name: serializers.URLField()
        for name in ("me", "territories", "actors", "places", "schema", "docs")
    }),
)
@api_view(["GET"])
@permission_classes([permissions.AllowAny])
def api_root(request, format=None):
    """List the entry points of the API."""
    return Response(
        {
            "me": reverse("api:me", request=request, format=format),
            "territories": reverse("api:territory-list", request=request, format=format),
            "actors": reverse("api:actor-list", request=request, format=format),
            "places": reverse("api:place-list", request=request, format=format),
            "schema": reverse("api:schema", request=request),
            "docs": reverse("api:docs", request=request),
        }
    )


@extend_schema(tags=["compte"], summary="Mon compte et mes rôles", responses=MeSerializer)
@api_view(["GET"])
@permission_classes([permissions.IsAuthenticated])
def me(request):
    """Return the signed-in person with their roles: collectives and funders."""
    user = request.user
    prefetch_related_objects([user], "memberships__collective", "funder_memberships__funder")
    return Response(MeSerializer(user).data)
