"""Narrow what a person reaches to the limit of the API token of the request.

The API's authentication (cluster.api.authentication) sets `token_scope` on the user of a
request authenticated by a token limited to one collective or one funder: an object with
`limit` ("none", "collective" or "funder"), `collective_id` and `funder_id` (a
cluster.token_models.ApiTokenScope). The access helpers of every app pass their querysets
through `narrow_to_token_scope`. It lives here, in the lowest app, so that every app's
permissions may call it; it imports no model.
"""

from django.db.models import Q

COLLECTIVE = "collective"
FUNDER = "funder"


def token_limit(user):
    """Return the token's limit ("collective" or "funder"), or None when nothing narrows the
    person's reach (a session, or a token without limit)."""
    scope = getattr(user, "token_scope", None)
    if scope is None or scope.limit not in (COLLECTIVE, FUNDER):
        return None
    return scope.limit


def narrow_to_token_scope(queryset, user, *, collective_path=None, funder_path=None):
    """Return the queryset narrowed to the collective or the funder of the request's token.

    `collective_path` (or a tuple of them, any of which may match) leads from the model to
    its collective, `funder_path` to its funder; an object type without a path for the
    token's limit is out of its reach. A limit whose collective or funder was deleted opens
    nothing.
    """
    limit = token_limit(user)
    if limit is None:
        return queryset
    paths = collective_path if limit == COLLECTIVE else funder_path
    target = user.token_scope.collective_id if limit == COLLECTIVE else user.token_scope.funder_id
    if not paths or target is None:
        return queryset.none()
    if isinstance(paths, str):
        paths = (paths,)
    condition = Q()
    for path in paths:
        condition |= Q(**{path: target})
    return queryset.filter(condition)


def within_token_scope(user, collective_id):
    """Return whether the request's token reaches the collective `collective_id`: always
    without a limit, only that collective for one limited to it, never for a funder's."""
    limit = token_limit(user)
    if limit is None:
        return True
    return limit == COLLECTIVE and collective_id is not None \
        and collective_id == user.token_scope.collective_id


def reaches_funder(user, funder_id):
    """Return whether the request's token reaches the funder `funder_id`: always without a
    limit, only that funder for one limited to it, never for a collective's."""
    limit = token_limit(user)
    if limit is None:
        return True
    return limit == FUNDER and funder_id is not None \
        and funder_id == user.token_scope.funder_id
