"""The open data pages: /donnees/, its files, their Table Schemas and the DCAT-AP catalogue.

Everything here is public and read-only, built from the registry (territories.opendata) and
the manifest of the last build (territories.opendata_build); staff alone ask for a build.
"""

import json
from datetime import datetime

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from territories.opendata import (
    FORMATS,
    LICENCE_TITLE,
    LICENCE_URL,
    datasets,
    dcat_catalogue,
    get_dataset,
    table_schema,
)
from territories.opendata_build import published_file, read_manifest
from territories.pages import run_action
from territories.permissions import national_access
from territories.services import open_data_publish

SITE_TITLE = "Clusters d'innovation responsable"


def _open(response):
    """Mark a public, harmless response: any site may read it, no browser sniffs it."""
    response["Access-Control-Allow-Origin"] = "*"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _published_datasets(manifest):
    """Return each dataset with what its last build published (None when not built)."""
    built = (manifest or {}).get("datasets", {})
    published = []
    for dataset in datasets():
        entry = built.get(dataset.slug)
        files = []
        if entry:
            for format_ in dataset.formats:
                stored = entry["files"].get(format_.key)
                if stored:
                    files.append({"format": format_, "size": stored["size"],
                                  "url": reverse("opendata_file", args=[stored["name"]])})
        published.append({"dataset": dataset, "rows": entry["rows"] if entry else None,
                          "files": files})
    return published


@require_GET
def opendata_page(request):
    """The datasets, their licence, schema and files, for everybody."""
    manifest = read_manifest()
    return render(request, "territories/opendata.html", {
        "datasets": _published_datasets(manifest),
        "built_at": datetime.fromisoformat(manifest["built_at"]) if manifest else None,
        "licence_title": LICENCE_TITLE, "licence_url": LICENCE_URL,
        "can_publish": national_access(request.user).can_coordinate,
    })


@login_required
@require_POST
def opendata_publish(request):
    """Staff build the files now, rather than waiting for the night."""
    national_access(request.user).require("coordinate")
    run_action(request, lambda: open_data_publish(by=request.user),
               success=_("Publication des données ouvertes lancée : la page indique la date "
                         "des fichiers en ligne."))
    return redirect("opendata")


@require_GET
def opendata_file(request, filename):
    """Serve a file of the current build, as an attachment; 404 for any other name."""
    found = published_file(read_manifest(), filename)
    if found is None:
        raise Http404(_("Ce fichier de données ouvertes n'existe pas (ou pas encore)."))
    _slug, format_key, path = found
    try:
        handle = open(path, "rb")  # noqa: SIM115 - FileResponse closes it
    except FileNotFoundError:
        raise Http404(_("Ce fichier de données ouvertes n'existe pas (ou pas encore).")) \
            from None
    response = FileResponse(handle, as_attachment=True, filename=filename,
                            content_type=FORMATS[format_key].media_type)
    response["Cache-Control"] = "public, max-age=300"
    return _open(response)


@require_GET
def opendata_schema(request, slug):
    """The Table Schema of a dataset: its columns, their types and what they mean."""
    dataset = get_dataset(slug)
    if dataset is None:
        raise Http404(_("Ce jeu de données n'existe pas."))
    manifest = read_manifest()
    modified = manifest["built_at"] if manifest and slug in manifest["datasets"] else None
    return _open(JsonResponse(table_schema(dataset, modified=modified),
                              json_dumps_params={"ensure_ascii": False, "indent": 1}))


@require_GET
def opendata_catalogue(request):
    """The DCAT-AP catalogue of the datasets, in JSON-LD, for harvesters."""
    def absolute(name, **kwargs):
        return request.build_absolute_uri(reverse(name, kwargs=kwargs))

    catalogue = dcat_catalogue(manifest=read_manifest(), absolute=absolute,
                               site_title=SITE_TITLE)
    return _open(HttpResponse(json.dumps(catalogue, ensure_ascii=False, indent=1),
                              content_type="application/ld+json; charset=utf-8"))
