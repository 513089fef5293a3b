"""State changes of the funding app, shared by the pages and the API, one module per part:
funding plans, calls, dossiers, and the funder's reviews and decisions."""

from funding.services.calls import (
    CALL_FIELDS,
    CALL_TRANSITIONS,
    call_close,
    call_copy,
    call_grid_save,
    call_open,
    call_save,
)
from funding.services.dossiers import (
    DOSSIER_FIELDS,
    SUBMIT_EVENTS,
    dossier_request_more_info,
    dossier_resubmit,
    dossier_save,
    dossier_start,
    dossier_start_review,
    dossier_submit,
    dossier_transition,
)
from funding.services.plans import (
    MAX_PLAN_YEARS,
    PLAN_CONFLICT,
    budget_line_delete,
    budget_line_save,
    contribution_delete,
    contribution_save,
    funding_plan_delete,
    funding_plan_save,
)
from funding.services.reviews import (
    conflict_declare,
    decision_record,
    review_submit,
    weighted_score,
)
from funding.transitions import DOSSIER_TRANSITIONS

__all__ = [
    "CALL_FIELDS",
    "CALL_TRANSITIONS",
    "call_close",
    "call_copy",
    "call_grid_save",
    "call_open",
    "call_save",
    "DOSSIER_FIELDS",
    "DOSSIER_TRANSITIONS",
    "MAX_PLAN_YEARS",
    "PLAN_CONFLICT",
    "SUBMIT_EVENTS",
    "budget_line_delete",
    "budget_line_save",
    "conflict_declare",
    "contribution_delete",
    "contribution_save",
    "decision_record",
    "dossier_request_more_info",
    "dossier_resubmit",
    "dossier_save",
    "dossier_start",
    "dossier_start_review",
    "dossier_submit",
    "dossier_transition",
    "funding_plan_delete",
    "funding_plan_save",
    "review_submit",
    "weighted_score",
]
