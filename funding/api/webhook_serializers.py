"""The funders' webhooks in the API: endpoints (their secret shown once) and deliveries."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from funding.models import Funder, WebhookDelivery, WebhookEndpoint
from funding.webhooks import MAX_URL_LENGTH


class WebhookEndpointSerializer(serializers.ModelSerializer):
    funder = serializers.SlugRelatedField(
        slug_field="slug", queryset=Funder.objects.all(),
        help_text=_("Identifiant du financeur ; fixé à la création."))
    url = serializers.URLField(max_length=MAX_URL_LENGTH,
                               help_text=_("Adresse HTTPS qui reçoit les évènements."))
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEndpoint.Event.choices),
        allow_empty=False, max_length=len(WebhookEndpoint.Event.choices) * 2,
        help_text=_("Évènements envoyés à cette adresse."))
    is_active = serializers.BooleanField(default=True,
                                         help_text=_("Faux : les envois sont suspendus."))

    class Meta:
        model = WebhookEndpoint
        fields = ["id", "funder", "url", "events", "is_active", "created_at"]
        read_only_fields = ["id", "created_at"]


class WebhookEndpointUpdateSerializer(WebhookEndpointSerializer):
    funder = serializers.SlugRelatedField(slug_field="slug", read_only=True)


class WebhookEndpointSecretSerializer(WebhookEndpointSerializer):
    secret = serializers.CharField(
        read_only=True, help_text=_("Secret de signature, renvoyé à la création et au "
                                    "renouvellement seulement : conservez-le."))

    class Meta(WebhookEndpointSerializer.Meta):
        fields = [*WebhookEndpointSerializer.Meta.fields, "secret"]


class WebhookDeliverySerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookDelivery
        fields = ["id", "event_id", "event_type", "status", "attempts", "last_status_code",
                  "last_error", "last_attempt_at", "next_attempt_at", "created_at"]
        read_only_fields = fields


class WebhookResendSerializer(serializers.Serializer):
    queued = serializers.BooleanField(help_text=_("Faux si un envoi était déjà en cours ou "
                                                  "programmé."))
    delivery = WebhookDeliverySerializer()
