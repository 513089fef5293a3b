"""What lets a person in without a password: API tokens and calendar (iCal) links.

A new password cuts them all: whoever learned the old password, or a link or token made
with it, loses access with it. The person makes new ones from the profile page.
"""

import secrets

from axes.utils import reset as axes_reset
from django.core import signing
from django.db import transaction
from django.db.models.signals import post_save
from django.utils import timezone
from knox.models import AuthToken

from cluster.models import CalendarLink, User

ICAL_SALT = "cluster-ical"


def _new_key():
    return secrets.token_urlsafe(24)


def _signer(cluster_pk):
    # One signature per cluster: a link opens only the cluster it was made for.
    return signing.Signer(salt=f"{ICAL_SALT}:{cluster_pk}")


def calendar_link_renew(*, user):
    """Give the person a new calendar key: every link made with the old one stops working."""
    link, _ = CalendarLink.objects.update_or_create(
        user=user, defaults={"key": _new_key(), "created_at": timezone.now()})
    return link


def calendar_link_for(user):
    """Return the person's live calendar key, making a new one when none is live."""
    link, _ = CalendarLink.objects.get_or_create(user=user, defaults={"key": _new_key()})
    if link.expires_at <= timezone.now():
        link = calendar_link_renew(user=user)
    return link


def ical_token(user, cluster):
    """Return the token of the person's calendar link to the cluster's milestones."""
    return _signer(cluster.pk).sign(calendar_link_for(user).key)


def ical_token_user(token, cluster_pk):
    """Return the active person whose live link to this cluster the token is; else None."""
    try:
        key = _signer(cluster_pk).unsign(token)
    except signing.BadSignature:
        return None
    link = CalendarLink.objects.select_related("user").filter(
        key=key, user__is_active=True).first()
    if link is None or link.expires_at <= timezone.now():
        return None
    return link.user


@transaction.atomic
def credentials_revoke(*, user):
    """Revoke the person's API tokens and calendar links; lift their sign-in lockout."""
    AuthToken.objects.filter(user=user).delete()
    CalendarLink.objects.filter(user=user).delete()
    # The one who just chose the password may sign in with it at once.
    axes_reset(username=user.email)


def _revoke_on_new_password(sender, instance, created, **kwargs):
    # set_password() keeps the new password in `_password` until the row is saved. A hash
    # that Django upgrades at sign-in clears it before saving: the password is the same, so
    # nothing is revoked. Page, reset link, admin and manage.py changepassword all pass here.
    if not created and getattr(instance, "_password", None) is not None:
        credentials_revoke(user=instance)


def connect_signals():
    post_save.connect(_revoke_on_new_password, sender=User,
                      dispatch_uid="cluster.credentials.revoke_on_new_password")
