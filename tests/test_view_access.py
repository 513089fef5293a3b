"""Every page and API endpoint of cluster, projects and territories gets its rights from the
access object of its type: a view added without it fails here."""

import inspect
import re

from django.urls import URLPattern, URLResolver, get_resolver

APPS = ("cluster.", "projects.", "territories.")

# Views that read no one object, so have no access object to ask: lists built from the
# visible_* querysets, the person's own account, public pages, anonymous links carrying a
# signed token, and the API's root. Each is listed by name: a new view is not.
WITHOUT_OBJECT = {
    "cluster.api.views.api_root",
    "cluster.api.views.me",
    "cluster.views.accounts.PasswordResetView",
    "cluster.views.accounts.api_token_create_view",
    "cluster.views.accounts.api_token_revoke_view",
    "cluster.views.accounts.calendar_link_renew_view",
    "cluster.views.accounts.home",
    "cluster.views.accounts.profile",
    "cluster.views.clusters.cluster_list",
    "cluster.views.collectives.invitation_accept_view",
    "cluster.views.guide.api_guide",
    "cluster.views.onboarding.account_delete_view",
    "cluster.views.onboarding.confirm_email",
    "cluster.views.onboarding.email_change",
    "cluster.views.masterplan.territory_master_plan",
    "cluster.views.network.transfer_list",
    "cluster.views.network_more.company_network_list",
    "cluster.views.network_more.lifted_blocker_list",
    "cluster.views.network_more.masterclass_list",
    "cluster.views.masterplan.territory_master_plan_pdf",
    "cluster.views.stewardship.cluster_request_list",
    "cluster.api.cluster_views.CollectiveViewSet",
    "cluster.api.cluster_views.DeliverableViewSet",
    "cluster.api.masterplan_views.MasterPlanVersionViewSet",
    # The national catalogue of shared indicators: public reference data, for everybody.
    "cluster.api.network_dashboard_views.SharedIndicatorViewSet",
    "cluster.api.stewardship_views.ClusterRequestViewSet",
    "projects.views.events.registration_cancel_view",
    "territories.api.map_views.national_map",
    "territories.api.map_views.national_map_perimeters",
    "territories.api.map_views.national_map_list",
    "territories.opendata_views.opendata_catalogue",
    "territories.opendata_views.opendata_file",
    "territories.opendata_views.opendata_page",
    "territories.opendata_views.opendata_schema",
    "territories.views.commune_suggestions",
    "territories.views.national_map",
    "territories.views.perimeter_suggestions",
    "territories.views.search_view",
}

ACCESS = re.compile(r"\b(\w+_access|access_to_\w+|access_of|get_item_for_editing|"
                    r"get_import_for_editing|_managed_collective|_community_of|"
                    r"_get_event_for_managing|_objective_for_import|AccessPermission)\b")


def _views(patterns=None):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _views(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            yield pattern.callback


def _target(callback):
    """Return the function or class that does the work behind a URL's callback."""
    view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if view_class is None:
        return inspect.unwrap(callback)
    if view_class.__qualname__.endswith("WrappedAPIView"):  # DRF's @api_view
        handlers = [value for value in vars(view_class).values() if inspect.isfunction(value)]
        return next(function for handler in handlers
                    for function in _enclosed(handler)
                    if function.__name__ == view_class.__name__)
    return view_class


def _enclosed(function, depth=3):
    """Yield the functions a function closes over, and theirs, `depth` levels down."""
    for cell in function.__closure__ or ():
        value = cell.cell_contents
        if inspect.isfunction(value):
            yield value
            if depth:
                yield from _enclosed(value, depth - 1)


def _source(target):
    if not inspect.isclass(target):
        return inspect.getsource(target)
    sources = []
    for klass in target.__mro__:
        if klass.__module__.startswith(APPS):
            try:
                sources.append(inspect.getsource(klass))
            except OSError:  # a subclass made on the fly (drf-spectacular's extend_schema_view)
                continue
    return "".join(sources)


def _our_views():
    seen = {}
    for callback in _views():
        target = _target(callback)
        name = f"{target.__module__}.{target.__qualname__}"
        if target.__module__.startswith(APPS) and ".permissions" not in target.__module__:
            seen[name] = target
    return seen


def test_the_walk_finds_the_pages_and_the_api_of_the_three_apps():
    views = _our_views()
    assert "cluster.views.clusters.cluster_dashboard" in views
    assert "projects.api.views.ProjectViewSet" in views
    assert "territories.views.territory_detail" in views
    assert len(views) > 100


def test_every_view_asks_the_access_object_of_its_type():
    bypassing = sorted(name for name, target in _our_views().items()
                       if name not in WITHOUT_OBJECT and not ACCESS.search(_source(target)))
    assert bypassing == []


def test_no_view_module_imports_a_loose_rights_helper():
    """The require_*/can_* helpers are gone from the views: an access object answers."""
    modules = {inspect.getmodule(target) for target in _our_views().values()}
    loose = sorted(
        f"{module.__name__}.{name}" for module in modules for name, value in vars(module).items()
        if re.match(r"(require_|can_|get_\w+_for_reading$|role_in$)", name)
        and callable(value) and getattr(value, "__module__", "").endswith(".permissions"))
    assert loose == []


def test_the_listed_views_without_object_still_exist():
    assert WITHOUT_OBJECT <= set(_our_views())
