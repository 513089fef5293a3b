"""Bounded lists, the one mechanism of every page: a page of a list chosen by a query
parameter (two lists on one page each take their own, `?jalons=2`), the first rows of a
list shown with a "voir tout" link, or the first rows of each group of a list.

Pages render `includes/pagination.html` with the page and its parameter, and a preview
links to its paginated page when `page.has_next`.
"""

from django.core.paginator import Paginator
from django.db.models import F, Window
from django.db.models.functions import RowNumber


def page_of(request, items, *, per_page, param="page", count=None):
    """Return the page of `items` that `request.GET[param]` asks for: the first one for a
    missing or malformed number, the last one past the end. Two queries, count and rows;
    one when the page already knows how many `items` there are (`count`)."""
    paginator = Paginator(items, per_page)
    if count is not None:
        paginator.count = count  # shadows the cached property that would ask the database
    return paginator.get_page(request.GET.get(param))


def first_of(items, count, *, total=None):
    """Return the first `count` of `items` as a page: `page.paginator.count` says how many
    there are in all (`total`, when already known, spares its query) and `page.has_next`
    whether a "voir tout" link is due."""
    paginator = Paginator(items, count)
    if total is not None:
        paginator.count = total
    return paginator.get_page(1)


def first_of_each(queryset, *, group, order_by, count):
    """Return the rows of `queryset` ranked at most `count` within their `group` (a field
    name), ordered by `order_by` in the group: one query whatever the number of groups."""
    return queryset.annotate(rank_in_group=Window(
        RowNumber(), partition_by=F(group), order_by=order_by)).filter(
        rank_in_group__lte=count)
