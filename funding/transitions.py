"""The life of a dossier: which action starts from which states, and leads where.

Both the access objects (what a person may do now) and the services (what they write)
read this one table.
"""

from django.utils.translation import gettext_lazy

from funding.models import Dossier

S = Dossier.Status

# action → (the states it may start from, the state it leads to). Accepting and refusing
# belong to the decision service, which goes through `dossier_transition` like the others.
DOSSIER_TRANSITIONS = {
    "submit": ((S.DRAFT,), S.SUBMITTED),
    "start_review": ((S.SUBMITTED,), S.UNDER_REVIEW),
    "request_more_info": ((S.UNDER_REVIEW,), S.MORE_INFO),
    "resubmit": ((S.MORE_INFO,), S.SUBMITTED),
    "accept": ((S.UNDER_REVIEW,), S.ACCEPTED),
    "refuse": ((S.UNDER_REVIEW,), S.REFUSED),
}

# What each action does, for the refusal "Ce dossier est … : impossible de …".
ACTION_PHRASES = {
    "submit": gettext_lazy("le déposer"),
    "start_review": gettext_lazy("le mettre en instruction"),
    "request_more_info": gettext_lazy("demander un complément"),
    "resubmit": gettext_lazy("le déposer à nouveau"),
    "accept": gettext_lazy("l'accepter"),
    "refuse": gettext_lazy("le refuser"),
}


def starts_from(action, status):
    """Return whether `action` may start from a dossier in `status`."""
    return status in DOSSIER_TRANSITIONS[action][0]
