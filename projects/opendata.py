"""The open datasets of the projects app: published projects, their outcomes on the shared
indicators, their essaimages, and events.

Published ones of published territories only; a carrier, a partner or a place appears only
when it is published itself. Registrations, the community, and who recorded an outcome or
an essaimage are never published.
Registered from `ProjectsConfig.ready()` into the registry of territories.
"""

from django.utils.translation import gettext_lazy as _

from projects.models import Event, Project, ProjectOutcome, Replication
from territories.opendata import register_dataset, streamed, url_maker, with_lists
from territories.opendata_datasets import LATITUDE, LONGITUDE, PAGE, TERRITORY, theme_names


def _published(model):
    return model.objects.filter(is_published=True,
                                cluster__territory__is_published=True).order_by("pk")


PLACE = ("place__is_published", "place__name", "place__latitude", "place__longitude")


def _place(row):
    """Return the name and coordinates of the row's place, when the place is published."""
    if not row["place__is_published"]:
        return {"lieu": "", "latitude": None, "longitude": None}
    return {"lieu": row["place__name"], "latitude": row["place__latitude"],
            "longitude": row["place__longitude"]}


def _actor_names(through, column):
    """Return a fetch for `with_lists`: the names of the published actors of each id."""
    def fetch(ids):
        return through.objects.filter(**{f"{column}__in": ids}, actor__is_published=True) \
            .order_by("actor__name").values_list(column, "actor__name")
    return fetch


def project_rows():
    url = url_maker("projects:detail", "slug")
    rows = streamed(_published(Project), "id", "slug", "title", "summary", "stage",
                    "challenge_id", "challenge__title", "cluster__territory__slug",
                    "start_date", "end_date", "expected_outcomes", "observed_outcomes",
                    "updated_at", *PLACE)
    for row in with_lists(rows, themes=theme_names(Project.themes.through, "project_id"),
                          carriers=_actor_names(Project.carriers.through, "project_id"),
                          partners=_actor_names(Project.partners.through, "project_id")):
        yield {"id": row["id"], "identifiant": row["slug"], "titre": row["title"],
               "resume": row["summary"], "etape": row["stage"], "defi": row["challenge_id"],
               "defi_titre": row["challenge__title"], "themes": row["themes"],
               "porteurs": row["carriers"], "partenaires": row["partners"],
               **_place(row), "territoire": row["cluster__territory__slug"],
               "debut": row["start_date"], "fin_prevue": row["end_date"],
               "resultats_attendus": row["expected_outcomes"],
               "resultats_observes": row["observed_outcomes"],
               "modifie_le": row["updated_at"], "url": url(row["slug"])}


def outcome_rows():
    outcomes = ProjectOutcome.objects.filter(
        project__in=_published(Project).values("pk")).order_by("pk")
    for row in streamed(outcomes, "id", "project_id", "project__title", "indicator__slug",
                        "indicator__unit", "measured_on", "value", "source",
                        "project__cluster__territory__slug"):
        yield {"id": row["id"], "projet": row["project_id"],
               "projet_titre": row["project__title"], "indicateur": row["indicator__slug"],
               "date": row["measured_on"], "valeur": row["value"],
               "unite": row["indicator__unit"], "source": row["source"],
               "territoire": row["project__cluster__territory__slug"]}


def replication_rows():
    published = _published(Project).values("pk")
    replications = Replication.objects.filter(origin__in=published,
                                              copy__in=published).order_by("pk")
    for row in streamed(replications, "id", "origin_id", "origin__title",
                        "origin__cluster__territory__slug", "copy_id", "copy__title",
                        "copy__cluster__territory__slug", "note", "created_at"):
        yield {"id": row["id"], "projet_origine": row["origin_id"],
               "projet_origine_titre": row["origin__title"],
               "territoire_origine": row["origin__cluster__territory__slug"],
               "projet_essaime": row["copy_id"], "projet_essaime_titre": row["copy__title"],
               "territoire_essaime": row["copy__cluster__territory__slug"],
               "ce_qui_est_repris": row["note"], "essaime_le": row["created_at"]}


def event_rows():
    url = url_maker("projects:event_public", "slug")
    for row in streamed(_published(Event), "id", "slug", "title", "starts_at", "ends_at",
                        "address", "programme", "capacity", "cluster__territory__slug",
                        *PLACE):
        yield {"id": row["id"], "identifiant": row["slug"], "titre": row["title"],
               "debut": row["starts_at"], "fin": row["ends_at"], **_place(row),
               "adresse": row["address"],
               "programme": row["programme"], "places": row["capacity"],
               "territoire": row["cluster__territory__slug"], "url": url(row["slug"])}


def register_datasets():
    register_dataset(
        "projets", _("Projets"),
        _("Les projets publiés des clusters : l'innovation, son étape, le défi auquel elle "
          "répond, ses porteurs et son lieu."),
        columns=[
            ("id", "integer", _("Identifiant numérique.")),
            ("identifiant", "string", _("Identifiant du projet dans son adresse.")),
            ("titre", "string", _("Titre du projet.")),
            ("resume", "string", _("Résumé.")),
            ("etape", "string", _("Étape (code)."), tuple(Project.Stage.values)),
            ("defi", "integer", _("Identifiant du défi (voir le jeu « défis »).")),
            ("defi_titre", "string", _("Intitulé du défi.")),
            ("themes", "string", _("Thèmes (séparés par « | »).")),
            ("porteurs", "string", _("Acteurs publiés qui le portent (séparés par « | »).")),
            ("partenaires", "string", _("Acteurs publiés partenaires (séparés par « | »).")),
            ("lieu", "string", _("Lieu où il vit, s'il est publié.")),
            TERRITORY,
            ("debut", "date", _("Début.")),
            ("fin_prevue", "date", _("Fin prévue.")),
            ("resultats_attendus", "string", _("Résultats attendus.")),
            ("resultats_observes", "string", _("Résultats observés.")),
            LATITUDE, LONGITUDE,
            ("modifie_le", "datetime", _("Dernière modification de la fiche.")),
            PAGE,
        ],
        rows=project_rows, geometry=("longitude", "latitude"), order=70,
        keywords=(_("projets"), _("innovation sociale")))
    register_dataset(
        "evenements", _("Évènements"),
        _("Les évènements publiés des clusters : dates, lieu et programme (sans les "
          "inscriptions)."),
        columns=[
            ("id", "integer", _("Identifiant numérique.")),
            ("identifiant", "string", _("Identifiant de l'évènement dans son adresse.")),
            ("titre", "string", _("Titre.")),
            ("debut", "datetime", _("Début.")),
            ("fin", "datetime", _("Fin.")),
            ("lieu", "string", _("Lieu, s'il est publié.")),
            ("adresse", "string", _("Adresse.")),
            ("programme", "string", _("Programme.")),
            ("places", "integer", _("Nombre de places.")),
            TERRITORY, LATITUDE, LONGITUDE, PAGE,
        ],
        rows=event_rows, geometry=("longitude", "latitude"), order=80,
        keywords=(_("évènements"),))
    register_dataset(
        "resultats-projets", _("Résultats des projets"),
        _("Les résultats que les projets publiés déclarent sur les indicateurs partagés du "
          "réseau, datés, avec leur source."),
        columns=[
            ("id", "integer", _("Identifiant numérique.")),
            ("projet", "integer", _("Identifiant du projet (voir le jeu « projets »).")),
            ("projet_titre", "string", _("Titre du projet.")),
            ("indicateur", "string", _("Identifiant de l'indicateur partagé (voir le jeu "
                                       "« indicateurs partagés »).")),
            ("date", "date", _("Date du résultat.")),
            ("valeur", "number", _("Valeur.")),
            ("unite", "string", _("Unité de l'indicateur.")),
            ("source", "string", _("Source.")),
            TERRITORY,
        ],
        rows=outcome_rows, order=75, keywords=(_("indicateurs"), _("impact")))
    register_dataset(
        "essaimages", _("Essaimages"),
        _("Les projets repris d'un territoire à l'autre, quand les deux projets sont publiés."),
        columns=[
            ("id", "integer", _("Identifiant numérique.")),
            ("projet_origine", "integer", _("Identifiant du projet d'origine.")),
            ("projet_origine_titre", "string", _("Titre du projet d'origine.")),
            ("territoire_origine", "string", _("Territoire du projet d'origine.")),
            ("projet_essaime", "integer", _("Identifiant du projet essaimé.")),
            ("projet_essaime_titre", "string", _("Titre du projet essaimé.")),
            ("territoire_essaime", "string", _("Territoire du projet essaimé.")),
            ("ce_qui_est_repris", "string", _("Ce qui est repris.")),
            ("essaime_le", "datetime", _("Date de l'essaimage.")),
        ],
        rows=replication_rows, order=77, keywords=(_("essaimage"),))
