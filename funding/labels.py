"""What an accepted decision on a label call does to its territory: label it.

Kept out of funding's services so that `decision_record` only calls it, in its
transaction: a refusal here (the territory already labelled) rolls the decision back.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from cluster.errors import DomainError
from funding.models import Call, Decision
from territories.labels import label_grant


def label_from_decision(decision):
    """Label the territory of an accepted dossier of a label call, in the call's wave.

    Other decisions change nothing. The certificate is the decision's attestation,
    rendered once the decision is committed (funding.tasks.generate_attestation_task).
    """
    call = decision.dossier.call
    if call.kind != Call.Kind.LABEL or decision.outcome != Decision.Outcome.ACCEPTED:
        return None
    if call.wave is None:
        raise DomainError(
            _("Cet appel de label n'a pas de vague : indiquez-la dans l'appel avant de "
              "décider."), code="call_without_wave")
    return label_grant(territory=decision.dossier.cluster.territory, wave=call.wave,
                       labelled_on=timezone.localdate(), call_slug=call.slug,
                       call_title=call.title)
