from rest_framework import serializers

from cluster.models import Membership, User


class MembershipSerializer(serializers.ModelSerializer):
    collective = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    collective_name = serializers.CharField(source="collective.name", read_only=True)

    class Meta:
        model = Membership
        fields = ["collective", "collective_name", "role"]


class FunderRoleSerializer(serializers.Serializer):
    funder = serializers.CharField(source="funder.slug")
    funder_name = serializers.CharField(source="funder.name")


class MeSerializer(serializers.ModelSerializer):
    memberships = MembershipSerializer(many=True, read_only=True)
    funders = FunderRoleSerializer(source="funder_memberships", many=True, read_only=True)

    class Meta:
        model = User
        fields = ["email", "first_name", "last_name", "is_staff", "memberships", "funders"]
        read_only_fields = fields
