"""What an accepted decision on a label call does to its territory: label it.

Kept out of funding's services so that `decision_record` only calls it, in its
transaction: a refusal here (the territory already labelled) rolls the decision back.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from cluster.errors import DomainError
from funding.models import Call, Decision
from territories.labels import label_apply, label_close_follow_up, label_grant, label_of
from territories.models import Label


def label_from_decision(decision):
    """Label the territory of an accepted dossier of a label call, in the call's wave; an
    accepted annual follow-up brings its label from "annual follow-up" back to "labelled".

    Other decisions change nothing. The certificate is the decision's attestation,
    rendered once the decision is committed (funding.tasks.generate_attestation_task).
    """
    call = decision.dossier.call
    if call.kind == Call.Kind.FOLLOW_UP and decision.outcome == Decision.Outcome.ACCEPTED:
        return _close_follow_up(decision.dossier.cluster.territory)
    if call.kind != Call.Kind.LABEL or decision.outcome != Decision.Outcome.ACCEPTED:
        return None
    if call.wave is None:
        raise DomainError(
            _("Cet appel de label n'a pas de vague : indiquez-la dans l'appel avant de "
              "décider."), code="call_without_wave")
    return label_grant(territory=decision.dossier.cluster.territory, wave=call.wave,
                       labelled_on=timezone.localdate(), call_slug=call.slug,
                       call_title=call.title)


def _close_follow_up(territory):
    """An accepted follow-up brings the label back to "labelled"; another state stays."""
    label = label_of(territory)
    if label is None or label.status != Label.Status.FOLLOW_UP:
        return label
    return label_close_follow_up(territory=territory)


def label_candidacy_from_submission(dossier):
    """Make the territory of a dossier submitted to a label call a candidate for the label.

    Only a territory with no label record yet, or whose label was withdrawn, becomes a
    candidate; a candidate, or a territory labelled or suspended, stays as it is (the
    decision will say so). Called in the submission's transaction.
    """
    if dossier.call.kind != Call.Kind.LABEL:
        return None
    territory = dossier.cluster.territory
    label = label_of(territory)
    if label is not None and label.status != Label.Status.WITHDRAWN:
        return label
    return label_apply(territory=territory)
