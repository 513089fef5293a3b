"""Queries used by more than one page or endpoint of the projects app."""

from django.db.models import BooleanField, Case, Count, F, Q, Value, When

from projects.models import Registration

# Projects ---------------------------------------------------------------------------------

# Events -----------------------------------------------------------------------------------


def events_with_counts(events):
    """Annotate events with their confirmed and waiting registrations, in the same query."""
    return events.annotate(
        confirmed_count=Count("registrations", distinct=True,
                              filter=Q(registrations__status=Registration.Status.CONFIRMED)),
        waiting_count=Count("registrations", distinct=True,
                            filter=Q(registrations__status=Registration.Status.WAITING)),
    )


def upcoming_first(events, now):
    """Order events still to come by date, then those already over, latest first."""
    return events.annotate(
        is_over=Case(When(ends_at__lt=now, then=Value(True)), default=Value(False),
                     output_field=BooleanField()),
    ).order_by(
        "is_over",
        Case(When(ends_at__gte=now, then=F("starts_at"))).asc(nulls_last=True),
        "-starts_at", "pk",
    )


def waiting_position(registration):
    """Return the person's place in the waiting list, 1 for the next to get a place."""
    return registration.event.registrations.filter(
        Q(created_at__lt=registration.created_at)
        | Q(created_at=registration.created_at, pk__lte=registration.pk),
        status=Registration.Status.WAITING,
    ).count()
