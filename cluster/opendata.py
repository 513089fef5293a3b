"""The open datasets of the cluster app: défis, their objectives and the measurements, and
the national catalogue of shared indicators the objectives adopt, and the regulatory
blockers lifted (their public summary only: what the territory wrote to the national team,
and who raised it, stay with them).

The défis of a cluster are public once its territory is: they are what the label asks a
territory to commit to in public, and the network adds their impact up. Who recorded a
measurement is never published, nor the collective (its page is its members' only).
Registered from `ClusterConfig.ready()` into the registry of territories (see
territories.opendata).
"""

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext_lazy as _

from cluster.models import Challenge, Measurement, Objective, SharedIndicator
from cluster.network_models import Blocker
from territories.opendata import register_dataset, streamed

TERRITORY = ("territoire", "string", _("Identifiant du territoire (voir le jeu « territoires »)."))
CHALLENGE = ("defi", "integer", _("Identifiant du défi (voir le jeu « défis »)."))


def public_challenges():
    """Return the défis the public reads: those of clusters on published territories."""
    return Challenge.objects.filter(cluster__territory__is_published=True)


def challenge_rows():
    for row in streamed(public_challenges().order_by("pk"), "id", "title", "kind",
                        "theme__name", "summary", "cluster__territory__slug"):
        yield {"id": row["id"], "titre": row["title"], "nature": row["kind"],
               "theme": row["theme__name"] or "", "resume": row["summary"],
               "territoire": row["cluster__territory__slug"]}


def objective_rows():
    latest = Measurement.objects.filter(objective=OuterRef("pk")).order_by(
        "-measured_on", "-pk")
    objectives = Objective.objects.filter(challenge__in=public_challenges()).annotate(
        latest_value=Subquery(latest.values("value")[:1]),
        latest_on=Subquery(latest.values("measured_on")[:1]),
    ).order_by("pk")
    for row in streamed(objectives, "id", "challenge_id", "title", "unit", "baseline",
                        "target", "target_date", "direction", "latest_value", "latest_on",
                        "challenge__cluster__territory__slug", "shared_indicator__slug"):
        yield {"id": row["id"], "defi": row["challenge_id"], "titre": row["title"],
               "unite": row["unit"], "valeur_depart": row["baseline"], "cible": row["target"],
               "echeance": row["target_date"], "sens": row["direction"],
               "derniere_valeur": row["latest_value"], "derniere_mesure_le": row["latest_on"],
               "indicateur_partage": row["shared_indicator__slug"] or "",
               "territoire": row["challenge__cluster__territory__slug"]}


def measurement_rows():
    measurements = Measurement.objects.filter(
        objective__challenge__in=public_challenges()).order_by("pk")
    for row in streamed(measurements, "id", "objective_id", "objective__challenge_id",
                        "measured_on", "value", "objective__unit", "source",
                        "objective__challenge__cluster__territory__slug"):
        yield {"id": row["id"], "objectif": row["objective_id"],
               "defi": row["objective__challenge_id"], "date": row["measured_on"],
               "valeur": row["value"], "unite": row["objective__unit"],
               "source": row["source"],
               "territoire": row["objective__challenge__cluster__territory__slug"]}


def indicator_rows():
    for row in streamed(SharedIndicator.objects.order_by("pk"), "id", "slug", "name",
                        "theme__name", "unit", "direction", "description"):
        yield {"id": row["id"], "identifiant": row["slug"], "nom": row["name"],
               "theme": row["theme__name"], "unite": row["unit"], "sens": row["direction"],
               "description": row["description"]}


def lifted_blocker_rows():
    blockers = Blocker.objects.filter(status=Blocker.Status.LIFTED,
                                      cluster__territory__is_published=True).order_by("pk")
    for row in streamed(blockers, "id", "rule", "public_summary", "sponsor", "lifted_on",
                        "challenge_id", "cluster__territory__slug"):
        yield {"id": row["id"], "regle": row["rule"], "resume": row["public_summary"],
               "parraine_par": row["sponsor"], "leve_le": row["lifted_on"],
               "defi": row["challenge_id"], "territoire": row["cluster__territory__slug"]}


def register_datasets():
    register_dataset(
        "defis", _("Défis"),
        _("Les défis sociaux et environnementaux que les clusters des territoires publiés se "
          "sont donnés."),
        columns=[
            ("id", "integer", _("Identifiant numérique.")),
            ("titre", "string", _("Intitulé du défi.")),
            ("nature", "string", _("Nature du défi (code)."), tuple(Challenge.Kind.values)),
            ("theme", "string", _("Thème du défi.")),
            ("resume", "string", _("Résumé.")),
            TERRITORY,
        ],
        rows=challenge_rows, order=40, keywords=(_("défis"), _("impact")))
    register_dataset(
        "objectifs", _("Objectifs des défis"),
        _("Les objectifs mesurables des défis : indicateur, valeur de départ, cible, "
          "échéance et dernière mesure."),
        columns=[
            ("id", "integer", _("Identifiant numérique.")),
            CHALLENGE,
            ("titre", "string", _("Intitulé de l'objectif.")),
            ("unite", "string", _("Unité de l'indicateur.")),
            ("valeur_depart", "number", _("Valeur de départ.")),
            ("cible", "number", _("Valeur cible.")),
            ("echeance", "date", _("Échéance de la cible.")),
            ("sens", "string", _("Sens attendu (code) : à augmenter ou à réduire."),
             tuple(Objective.Direction.values)),
            ("derniere_valeur", "number", _("Valeur de la dernière mesure, vide sans mesure.")),
            ("derniere_mesure_le", "date", _("Date de la dernière mesure.")),
            ("indicateur_partage", "string", _("Identifiant de l'indicateur partagé qu'il "
                                               "adopte (voir le jeu « indicateurs "
                                               "partagés »), vide sinon.")),
            TERRITORY,
        ],
        rows=objective_rows, order=50, keywords=(_("indicateurs"), _("impact")))
    register_dataset(
        "mesures", _("Mesures des objectifs"),
        _("Chaque mesure datée des indicateurs des objectifs, avec sa source."),
        columns=[
            ("id", "integer", _("Identifiant numérique.")),
            ("objectif", "integer", _("Identifiant de l'objectif (voir le jeu « objectifs »).")),
            CHALLENGE,
            ("date", "date", _("Date de la mesure.")),
            ("valeur", "number", _("Valeur mesurée.")),
            ("unite", "string", _("Unité de l'indicateur.")),
            ("source", "string", _("Source de la mesure.")),
            TERRITORY,
        ],
        rows=measurement_rows, order=60, keywords=(_("indicateurs"), _("impact")))
    register_dataset(
        "indicateurs-partages", _("Indicateurs partagés"),
        _("Le catalogue national des indicateurs partagés, par thème national, avec leur "
          "unité et leur sens : les objectifs qui les adoptent s'additionnent d'un "
          "territoire à l'autre."),
        columns=[
            ("id", "integer", _("Identifiant numérique.")),
            ("identifiant", "string", _("Identifiant de l'indicateur.")),
            ("nom", "string", _("Nom de l'indicateur.")),
            ("theme", "string", _("Thème national.")),
            ("unite", "string", _("Unité, fixée.")),
            ("sens", "string", _("Sens attendu (code) : à augmenter ou à réduire."),
             tuple(SharedIndicator.Direction.values)),
            ("description", "string", _("Description.")),
        ],
        rows=indicator_rows, order=45, keywords=(_("indicateurs"), _("impact")))
    register_dataset(
        "freins-leves", _("Freins réglementaires levés"),
        _("Les freins réglementaires que les territoires ont remontés à l'équipe nationale "
          "et qui ont été levés, avec leur résumé public."),
        columns=[
            ("id", "integer", _("Identifiant numérique.")),
            ("regle", "string", _("Règle concernée.")),
            ("resume", "string", _("Résumé public : le frein et comment il a été levé.")),
            ("parraine_par", "string", _("Haut-fonctionnaire qui l'a parrainé.")),
            ("leve_le", "date", _("Date de la levée.")),
            CHALLENGE,
            TERRITORY,
        ],
        rows=lifted_blocker_rows, order=65, keywords=(_("réglementation"),))
