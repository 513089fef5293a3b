"""The open dataset of the funding app: the catalogue of hybrid funding sources.

The catalogue is public (its page is open to everybody); funding plans, their contributions
and the dossiers are a collective's and never published. Registered from
`FundingConfig.ready()` into the registry of territories.
"""

from django.utils.translation import gettext_lazy as _

from funding.models import Funder, FundingSource
from territories.opendata import register_dataset, streamed, url_maker, with_lists
from territories.opendata_datasets import PAGE


def _theme_names(ids):
    return FundingSource.themes.through.objects.filter(fundingsource_id__in=ids).order_by(
        "theme__name").values_list("fundingsource_id", "theme__name")


def source_rows():
    url = url_maker("funding:source_detail", "slug")
    rows = streamed(FundingSource.objects.order_by("pk"), "id", "slug", "name",
                    "funder__name", "funder__kind", "kind", "scope", "description",
                    "typical_min", "typical_max", "opens_on", "closes_on", "website")
    for row in with_lists(rows, themes=_theme_names):
        yield {"id": row["id"], "identifiant": row["slug"], "programme": row["name"],
               "financeur": row["funder__name"], "type_financeur": row["funder__kind"],
               "nature": row["kind"], "echelle": row["scope"],
               "description": row["description"], "themes": row["themes"],
               "montant_min": row["typical_min"], "montant_max": row["typical_max"],
               "ouverture": row["opens_on"], "cloture": row["closes_on"],
               "site_web": row["website"], "url": url(row["slug"])}


def register_datasets():
    register_dataset(
        "sources-de-financement", _("Sources de financement"),
        _("Le catalogue des sources de financement hybrides : subventions, appels à projets, "
          "mécénat, prêts et fonds, labels, avec leur financeur et leurs montants habituels."),
        columns=[
            ("id", "integer", _("Identifiant numérique.")),
            ("identifiant", "string", _("Identifiant de la source dans son adresse.")),
            ("programme", "string", _("Nom du programme.")),
            ("financeur", "string", _("Financeur.")),
            ("type_financeur", "string", _("Type de financeur (code)."),
             tuple(Funder.Kind.values)),
            ("nature", "string", _("Nature (code)."), tuple(FundingSource.Kind.values)),
            ("echelle", "string", _("Échelle (code)."), tuple(FundingSource.Scope.values)),
            ("description", "string", _("Description.")),
            ("themes", "string", _("Thèmes éligibles (séparés par « | »).")),
            ("montant_min", "number", _("Montant habituel minimum (€).")),
            ("montant_max", "number", _("Montant habituel maximum (€).")),
            ("ouverture", "date", _("Ouverture.")),
            ("cloture", "date", _("Clôture, vide pour un dispositif ouvert en continu.")),
            ("site_web", "string", _("Site web.")),
            PAGE,
        ],
        rows=source_rows, order=90, keywords=(_("financements"),))
