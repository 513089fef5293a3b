"""What every page's menu asks of the funding app: whether the person administers a funder,
so that the menu leads them to its back office.

The answer is lazy: a page whose template never reads it pays nothing, an anonymous
visitor or staff (who have their own link) nothing either, anyone else one small query.
"""

from django.utils.functional import SimpleLazyObject

from funding.models import FunderMember


def funder_back_office(request):
    user = getattr(request, "user", None)

    def administers_a_funder():
        if user is None or not user.is_authenticated or user.is_staff:
            return False
        return FunderMember.objects.filter(user=user, role=FunderMember.Role.ADMIN).exists()

    return {"administers_a_funder": SimpleLazyObject(administers_a_funder)}
