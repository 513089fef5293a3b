"""The schéma directeur as a document: HTML from a snapshot, then a PDF through WeasyPrint.

Everything here reads a snapshot (see cluster.masterplan.build_snapshot), never
the database: a version prints the data of the moment it was taken, whatever
changed since. The document is French whatever the language of the person who
asked for it.
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from cluster import charts
from cluster import frenchtext as fr
from cluster.masterplan import SECTIONS_BY_KEY, Key

# Funders shown one by one in the mix chart; the others are grouped.
TOP_FUNDERS = 6


class FetchRefused(ValueError):
    pass


def _refuse_fetch(url, *args, **kwargs):
    """Let WeasyPrint load nothing: the document embeds what it shows (inline SVG, CSS)."""
    raise FetchRefused(f"Ressource externe refusée : {url}")


def _top_funders(parts):
    if len(parts) <= TOP_FUNDERS + 1:
        return parts
    top, rest = parts[:TOP_FUNDERS], parts[TOP_FUNDERS:]
    return [*top, {
        "label": _("%(count)s autres financeurs") % {"count": len(rest)},
        "amount": str(sum(fr.to_decimal(part["amount"]) for part in rest)),
        "percent": sum(part["percent"] for part in rest),
    }]


def section_charts(section):
    """Return the SVG charts of a section of the snapshot (safe HTML), possibly none."""
    data = section.get("data") or {}
    if section["key"] == Key.CHALLENGES and data.get("challenges"):
        chart = charts.progress_chart(data["challenges"],
                                      title=_("Avancement des objectifs des défis"))
        return [chart] if chart else []
    if section["key"] == Key.FUNDING and data.get("plan"):
        found = [
            charts.breakdown_chart([
                (_("Public et privé"), data["public"]),
                (_("Échelle des financeurs"), data["scopes"]),
                (_("État des financements"), data["statuses"]),
                (_("Principaux financeurs"), _top_funders(data["funders"])),
            ], title=_("Répartition des financements")),
            charts.years_chart(data["years"], title=_("Budget et financements par année")),
        ]
        return [chart for chart in found if chart]
    return []


def document_context(snapshot, *, number=None, author="", created_at=None, draft=False):
    """Return what the document templates show of a snapshot."""
    sections = []
    for index, section in enumerate(snapshot.get("sections", []), start=1):
        known = SECTIONS_BY_KEY.get(section["key"])
        sections.append({
            **section,
            "number": index,
            "anchor": f"section-{section['key']}",
            "guidance": known.guidance if known else "",
            "charts": section_charts(section),
        })
    governance = next((section["data"] for section in sections
                       if section["key"] == Key.GOVERNANCE and section.get("data")), {})
    validated = sum(1 for section in sections if section.get("validated_at"))
    return {
        "snapshot": snapshot,
        "cluster": snapshot.get("cluster", {}),
        "sections": sections,
        "annex_actors": governance.get("actors", []),
        "number": number,
        "author": author,
        "created_at": created_at,
        "taken_at": snapshot.get("taken_at"),
        "validated_count": validated,
        "section_count": len(sections),
        "adopted": bool(sections) and validated == len(sections),
        "draft": draft,
    }


def render_html(snapshot, **meta):
    """Return the print HTML of the snapshot: cover, contents, sections, annex."""
    with translation.override(settings.LANGUAGE_CODE):
        return fr.typeset(render_to_string("cluster/masterplan/document.html",
                                           document_context(snapshot, **meta)))


def write_pdf(html, target):
    """Render the print HTML to a PDF file (a path or a binary file object)."""
    # Imported here: WeasyPrint loads Pango, which only the rendering needs.
    from weasyprint import HTML

    HTML(string=html, base_url=str(settings.BASE_DIR), url_fetcher=_refuse_fetch).write_pdf(
        target)
