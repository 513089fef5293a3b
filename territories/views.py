from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from territories import filters, forms
from territories.breadcrumbs import item_kind_trail, territories_trail, territory_trail, trail
from territories.choices import with_labels
from territories.errors import DomainError
from territories.exports import csv_content, xlsx_content
from territories.import_reports import report_lines, summary_sentences
from territories.labels import follow_up_due
from territories.locking import BASE, VERSION, VersionedFormMixin
from territories.map_clusters import located_total
from territories.map_layers import map_layer, territory_sources
from territories.models import Actor, ActorImport, Commune, LocalPolicy, Place, Resource, Territory
from territories.national_map import MapFilterForm, list_view, published_list
from territories.pages import add_refusal, form_page, form_status
from territories.paging import page_of
from territories.permissions import (
    get_import_for_editing,
    get_item,
    get_item_for_editing,
    steward_of,
    territory_access,
    territory_items,
    visible_territories,
)
from territories.search import (
    COUNT_CAP,
    MAX_QUERY_LENGTH,
    MAX_WORDS,
    clean_query,
    count_label,
    search,
    search_kinds,
)
from territories.selectors import (
    ACTOR_EXPORT_HEADER,
    actor_export_rows,
    perimeter_of,
    perimeter_search,
    with_figures,
)
from territories.services import (
    actor_import_confirm,
    actor_import_preview,
    cooperation_territory_add,
    item_save,
    territory_create,
    territory_update,
)

PAGE_SIZE = 20


def territory_list(request):
    territories = with_figures(visible_territories(request.user)).select_related(
        "label").order_by("name")
    page = page_of(request, territories, per_page=PAGE_SIZE)
    with_labels(page, "kind", Territory.Kind.choices)
    return render(request, "territories/territory_list.html", {
        "page": page, "access": territory_access(request.user)})


def territory_detail(request, slug):
    access = territory_access(request.user, slug, territories=with_figures(
        Territory.objects.select_related("label")))
    territory = access.territory
    counts = {
        kind.name: territory_items(access, kind.model.objects.all()).count()
        for kind in KINDS.values()
    }
    return render(request, "territories/territory_detail.html", {
        "breadcrumbs": territory_trail(territory),
        "territory": territory, "counts": counts, "kinds": KINDS.values(),
        "access": access,
        "steward": steward_of(territory), **perimeter_of(territory),
        "key_figures": territory.key_figures.all(),
        "follow_up_due": follow_up_due(getattr(territory, "label", None)),
        "cooperation": visible_territories(request.user).filter(cooperating_with=territory),
        # The schéma directeur belongs to cluster, above this app: reached through the
        # reverse relations, linked by URL name only.
        "has_master_plan": territory.clusters.filter(
            master_plan__versions__published_at__isnull=False).exists(),
    })


@login_required
@require_http_methods(["GET", "POST"])
def territory_edit(request, slug=None):
    if slug is None:
        territory_access(request.user).require("create")
        territory = Territory()
    else:
        territory = territory_access(request.user, slug).require("edit").territory
    cooperation = visible_territories(request.user)
    form = forms.TerritoryForm(request.POST or None, instance=territory,
                               cooperation_choices=cooperation)
    figures = forms.KeyFigureFormSet(request.POST or None, instance=territory)
    status = form_status(request)
    if request.method == "POST" and form.is_valid() and figures.is_valid():
        data = dict(form.cleaned_data)
        level, codes = data.pop("perimeter_level"), data.pop("perimeter_codes")
        version, cooperation_code = data.pop(VERSION), data.pop("cooperation_code")
        data.pop(BASE)
        try:
            with transaction.atomic():
                if territory.pk:
                    saved = territory_update(territory=territory, level=level, codes=codes,
                                             version=version, **data)
                else:
                    saved = territory_create(level=level, codes=codes,
                                             created_by=request.user, **data)
                if cooperation_code:  # a refusal undoes the whole save, a new territory too
                    cooperation_territory_add(territory=saved, code=cooperation_code,
                                              by=request.user)
                figures.instance = saved
                figures.save()
        except DomainError as error:
            status = add_refusal(form, error, current=lambda: forms.TerritoryForm(
                instance=Territory.objects.get(pk=territory.pk), cooperation_choices=cooperation))
        else:
            territory = saved
            messages.success(request, _("Le territoire « %(name)s » est enregistré.")
                             % {"name": territory.name})
            return redirect(territory)
    return render(request, "territories/territory_form.html", {
        "breadcrumbs": (territory_trail(territory, _("Modifier")) if territory.pk
                        else territories_trail(_("Nouveau territoire"))),
        "territory": territory, "form": form, "figures": figures,
    }, status=status)


def perimeter_suggestions(request):
    """Communes, EPCI, départements or régions matching a name, postal code or code."""
    query = request.GET.get("q", "").strip()
    # The territory form names its select perimeter_level; the API's clients say level.
    level = request.GET.get("perimeter_level") or request.GET.get("level", "communes")
    results = []
    if len(query) >= 2:
        results = perimeter_search(level=level, query=query)
    return render(request, "territories/includes/perimeter_options.html",
                  {"results": results, "query": query})


# The four kinds of items of the step-1 map share their pages -------------------------

@dataclass(frozen=True)
class ItemKind:
    name: str
    model: type
    form_class: type
    filterset_class: type
    select_related: tuple = ()
    form_needs_territory: bool = False

    @property
    def verbose_name(self):
        return self.model._meta.verbose_name

    @property
    def verbose_name_plural(self):
        return self.model._meta.verbose_name_plural


KINDS = {
    "actor": ItemKind("actor", Actor, forms.ActorForm, filters.ActorFilterSet,
                      ("commune",)),
    "place": ItemKind("place", Place, forms.PlaceForm, filters.PlaceFilterSet,
                      ("commune", "operator"), form_needs_territory=True),
    "resource": ItemKind("resource", Resource, forms.ResourceForm, filters.ResourceFilterSet,
                         ("provider",), form_needs_territory=True),
    "policy": ItemKind("policy", LocalPolicy, forms.LocalPolicyForm,
                       filters.LocalPolicyFilterSet),
}


def item_list(request, slug, kind):
    kind = KINDS[kind]
    access = territory_access(request.user, slug)
    territory = access.territory
    items = territory_items(access, kind.model.objects.all())
    items = items.select_related("territory", *kind.select_related).order_by("name", "pk")
    filterset = kind.filterset_class(request.GET, queryset=items)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "territories/item_list.html", {
        "breadcrumbs": territory_trail(territory, capfirst(kind.verbose_name_plural)),
        "territory": territory, "kind": kind, "filter": filterset, "page": page,
        "query": query.urlencode(), "access": access,
    })


def item_detail(request, slug, pk, kind):
    kind = KINDS[kind]
    access = territory_access(request.user, slug)
    territory = access.territory
    item = get_item(access, kind.model, pk)
    return render(request, f"territories/{kind.name}_detail.html", {
        "breadcrumbs": item_kind_trail(territory, kind, item.name),
        "territory": territory, "kind": kind, "item": item,
        "access": access,
    })


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request, slug, kind, pk=None):
    kind = KINDS[kind]
    access = territory_access(request.user, slug)
    territory = access.territory
    if pk is None:
        access.require("map")
        item = kind.model(territory=territory)
    else:
        item = get_item_for_editing(access, kind.model, pk)
    extra = {"territory": territory} if kind.form_needs_territory else {}
    form = kind.form_class(request.POST or None, instance=item, **extra)
    return form_page(
        request, form, action=lambda _data: _save_item(item, form),
        current=lambda: kind.form_class(instance=kind.model.objects.get(pk=item.pk), **extra),
        success=lambda saved: _("« %(name)s » est enregistré.") % {"name": saved.name},
        next=lambda saved: saved, template="territories/item_form.html", context={
            "breadcrumbs": item_kind_trail(territory, kind,
                                           _("Modifier") if item.pk else _("Ajouter")),
            "territory": territory, "kind": kind, "form": form, "item": item,
        })


def _save_item(item, form):
    """Save an actor or a place through its service, checking the version read; the other
    items of the map have no version."""
    if not isinstance(form, VersionedFormMixin):
        with transaction.atomic():
            return form.save()
    fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
    return item_save(item=item, fields=fields, version=form.cleaned_data[VERSION])


@login_required
@require_http_methods(["GET", "POST"])
def item_delete(request, slug, pk, kind):
    kind = KINDS[kind]
    access = territory_access(request.user, slug)
    territory = access.territory
    item = get_item_for_editing(access, kind.model, pk)
    if request.method == "POST":
        item.delete()
        messages.success(request, _("« %(name)s » est supprimé.") % {"name": item.name})
        return redirect(f"territories:{kind.name}_list", slug=territory.slug)
    return render(request, "territories/item_confirm_delete.html", {
        "territory": territory, "kind": kind, "item": item,
    })


# Import of actors ----------------------------------------------------------------------

IMPORT_MAX_BYTES = 10 * 1024 * 1024


@login_required
@require_http_methods(["GET", "POST"])
def actor_import_upload(request, slug):
    territory = territory_access(request.user, slug).require("map").territory
    form = forms.ActorImportForm(request.POST or None, request.FILES or None,
                                 max_bytes=IMPORT_MAX_BYTES)
    return form_page(
        request, form,
        action=lambda data: actor_import_preview(territory=territory, upload=data["file"],
                                                 by=request.user, publish=data["publish"]),
        success=None, next=lambda actor_import: actor_import,
        template="territories/actor_import_upload.html", context={
            "breadcrumbs": territory_trail(territory, (_("Acteurs"), reverse(
                "territories:actor_list", args=[territory.slug])), _("Importer")),
            "territory": territory, "form": form,
            "imports": territory.imports.select_related("created_by")[:10],
        })


@login_required
def actor_import_detail(request, slug, pk):
    access = territory_access(request.user, slug)
    territory = access.territory
    actor_import = get_import_for_editing(access, pk)
    context = {"territory": territory, "actor_import": actor_import,
               "breadcrumbs": territory_trail(territory, (_("Importer"), reverse(
                   "territories:actor_import", args=[territory.slug])), actor_import.original_name),
               "summary": summary_sentences(actor_import.report)
               if actor_import.report.get("summary") else [],
               "lines": report_lines(actor_import.report),
               "confirm_form": forms.ActorImportConfirmForm()}
    template = "territories/actor_import_detail.html"
    if request.htmx:
        template = "territories/includes/actor_import_status.html"
    return render(request, template, context)


@login_required
@require_POST
def actor_import_start(request, slug, pk):
    access = territory_access(request.user, slug)
    actor_import = get_import_for_editing(access, pk)
    form = forms.ActorImportConfirmForm(request.POST)
    include_outside = form.is_valid() and form.cleaned_data["include_outside"]
    try:
        actor_import = actor_import_confirm(actor_import=actor_import,
                                            include_outside=include_outside)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        if actor_import.status == ActorImport.Status.DONE:
            messages.success(request, _("Import terminé."))
        else:
            messages.info(request, _("Import lancé : suivez son avancement ci-dessous."))
    return redirect(actor_import)


# Map, autocomplete ------------------------------------------------------------------

@login_required
@require_GET
def actor_export(request, slug):
    """Download the territory's actors, drafts included, as the import reads them back."""
    territory = territory_access(request.user, slug).require("map").territory
    file_format = request.GET.get("format", "csv")
    if file_format not in ("csv", "xlsx"):
        return HttpResponseBadRequest(_("Format inconnu : choisissez csv ou xlsx."))
    header, rows = ACTOR_EXPORT_HEADER, actor_export_rows(territory)
    name = f"acteurs-{territory.slug}-{timezone.localdate():%Y-%m-%d}"
    with translation.override("fr"):  # the import reads types and themes in French
        if file_format == "xlsx":
            content = xlsx_content(header, rows, sheet_title="Acteurs")
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        else:
            content = csv_content(header, rows, delimiter=";")
            content_type = "text/csv; charset=utf-8"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}.{file_format}"'
    return response


# The list beside a territory's map: the first items by name, then a link to their
# paginated list. It was 500 of each kind, 77 KiB and 50 ms of links at 20,000 items.
LIST_BESIDE_MAP = 100


def _beside_the_map(access, model, layer_key):
    """The first `LIST_BESIDE_MAP` items of the kind by name (name, commune, link, as the
    map links them), and whether there are more."""
    rows = list(territory_items(access, model.objects.all()).order_by("name", "pk").values_list(
        "pk", "name", "commune__name")[:LIST_BESIDE_MAP + 1])
    url = map_layer(layer_key).url
    slug = access.territory.slug
    return ([{"name": name, "commune": commune, "url": url({"pk": pk, "map_slug": slug})}
             for pk, name, commune in rows[:LIST_BESIDE_MAP]], len(rows) > LIST_BESIDE_MAP)


def territory_map(request, slug):
    access = territory_access(request.user, slug)
    territory = access.territory
    actors, more_actors = _beside_the_map(access, Actor, "actor")
    places, more_places = _beside_the_map(access, Place, "place")
    return render(request, "territories/territory_map.html", {
        "breadcrumbs": territory_trail(territory, _("Carte")),
        "territory": territory,
        "actors": actors, "more_actors": more_actors,
        "places": places, "more_places": more_places,
        # Items without coordinates count too: the map places them at their commune.
        "located_count": located_total(territory_sources(access)),
        "access": access,
        "actor_kinds": Actor.Kind.choices,
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
    })


def national_map(request):
    """The national map: published actors, places and projects of published territories.

    The list beside it holds every item the filters keep, or, given a `bbox` (the map's
    script asks the API the same), those drawn in that box; a wrong box answers 400 with
    the whole list and the reason.
    """
    form = MapFilterForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {}
    view, refusal = None, None
    try:
        view = list_view(request.GET)
    except DomainError as error:
        refusal = error
    query = {key: value for key, value in filters.items() if value}
    if view is not None:
        query["bbox"] = request.GET["bbox"].strip()
    return render(request, "territories/national_map.html", {
        "breadcrumbs": trail(_("Carte nationale")),
        "form": form,
        "page": published_list(filters, request.GET.get("page"), view),
        "in_view": view is not None,
        "refusal": refusal.message if refusal else "",
        "query": urlencode(query),
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
    }, status=refusal.status if refusal else 200)


def commune_suggestions(request):
    """Options for the commune autocomplete: by name, postal code or INSEE code."""
    query = request.GET.get("commune", request.GET.get("q", "")).strip()
    communes = Commune.objects.none()
    if len(query) >= 2:
        if query[:5].isdigit():
            communes = Commune.objects.filter(code__startswith=query[:5]) | \
                Commune.objects.filter(postal_codes__contains=query[:5])
        else:
            communes = Commune.objects.filter(name__istartswith=query)
        communes = communes.filter(kind=Commune.Kind.COMMUNE).order_by("-population")[:15]
    return render(request, "territories/includes/commune_options.html",
                  {"communes": communes})


def search_view(request):
    """Search every kind the person may read; filters that make no sense are dropped with
    a note, never an error."""
    raw = request.GET.get("q", "")
    query = clean_query(raw)
    notes = []
    if len(raw.split()) > MAX_WORDS or len(" ".join(raw.split())) > MAX_QUERY_LENGTH:
        notes.append(_("Votre recherche était trop longue : seuls ses %(words)s premiers mots "
                       "(%(chars)s caractères au plus) ont été cherchés.")
                     % {"words": MAX_WORDS, "chars": MAX_QUERY_LENGTH})
    kinds = search_kinds()
    kind = request.GET.get("type", "")
    if kind and kind not in {each.key for each in kinds}:
        notes.append(_("Ce type de résultat n'existe pas : tous les types sont affichés."))
        kind = ""
    # Rows, not instances: a national network lists a thousand territories in the filter.
    territories = list(visible_territories(request.user).order_by("name").values_list(
        "pk", "slug", "name"))
    slug = request.GET.get("territoire", "")
    territory = next((Territory(pk=pk, slug=each_slug, name=name)
                      for pk, each_slug, name in territories if each_slug == slug), None)
    if slug and territory is None:
        notes.append(_("Ce territoire n'existe pas ou n'est pas publié : "
                       "tous les territoires sont affichés."))
    results = search(user=request.user, query=query, kind=kind or None, territory=territory,
                     page=request.GET.get("page", 1)) if len(query) >= 2 else None
    total = sum(each.count for each in results or [])
    base = {"q": query, **({"territoire": territory.slug} if territory else {})}

    def link(**params):
        return "?" + urlencode({**base, **{k: v for k, v in params.items() if v}})

    capped = any(each.capped for each in results or [])
    if capped:
        notes.append(_("Plus de %(count)s résultats : seuls les premiers sont classés et "
                       "affichés. Ajoutez un mot ou choisissez un type ou un territoire pour "
                       "préciser votre recherche.") % {"count": count_label(COUNT_CAP)})
    for each in results or []:
        each.url = link(type=each.kind.key)
        if kind == each.kind.key and each.page.has_previous():
            each.previous_url = link(type=kind, page=each.page.previous_page_number())
        if kind == each.kind.key and each.page.has_next():
            each.next_url = link(type=kind, page=each.page.next_page_number())
    return render(request, "territories/search.html", {
        "query": query, "notes": notes, "results": results, "kind": kind,
        "territory": territory, "kinds": kinds,
        "territory_choices": [(each_slug, name) for _pk, each_slug, name in territories],
        "all_url": link(), "total": total, "total_label": count_label(total, capped),
        "short_query": 0 < len(query) < 2,
    })
