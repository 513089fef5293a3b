"""Demo data of the funding app: the label body and a few funders of the hybrid catalogue."""

from funding.models import Call, Dossier, Funder, FunderMember

FUNDERS = [
    ("le-french-impact", "Le French Impact", Funder.Kind.NETWORK, "https://www.le-frenchimpact.fr"),
    ("banque-des-territoires", "Banque des Territoires", Funder.Kind.PUBLIC_BANK,
     "https://www.banquedesterritoires.fr"),
    ("bpifrance", "Bpifrance", Funder.Kind.PUBLIC_BANK, "https://www.bpifrance.fr"),
    ("region-bretagne", "Région Bretagne", Funder.Kind.REGION, "https://www.bretagne.bzh"),
]


def load_funders():
    """Create or update the demo funders; return them by slug."""
    funders = {}
    for slug, name, kind, website in FUNDERS:
        funder, _ = Funder.objects.update_or_create(
            slug=slug, defaults={"name": name, "kind": kind, "website": website}
        )
        funders[slug] = funder
    return funders


def ensure_reviewer(*, user, funder):
    FunderMember.objects.get_or_create(user=user, funder=funder)


# Calls and dossiers ------------------------------------------------------------------------

LABEL_CALL_SLUG = "territoire-french-impact"

DEMO_LABEL_DOSSIER = {
    "title": "Territoire French Impact — Aix-Marseille-Provence",
    "summary": (
        "Deuxième agglomération de France, la métropole Aix-Marseille-Provence fait face à des "
        "défis sociaux et environnementaux forts : plus de 200 000 ménages sous le seuil de "
        "pauvreté, 29 % des 15-24 ans sans emploi, 93 % de l'énergie importée. Le collectif "
        "porteur réunit Marseille Solutions, le Mouves PACA et la CRESS PACA, avec le soutien "
        "de la Métropole, pour structurer l'innovation sociale autour de trois défis : "
        "cultiver Marseille, zéro personne à la rue, changer d'air."
    ),
    "strategic_plan": (
        "Année 1 — Cartographier et fédérer : recenser les acteurs, lieux et ressources de "
        "l'innovation sociale sur toute la métropole, réunir la communauté de "
        "projets autour des trois défis et installer un comité de pilotage trimestriel.\n\n"
        "Année 2 — Expérimenter : lancer un appel à prototypes par défi (jardins urbains et "
        "formation à l'agriculture urbaine, accueil de nuit et parcours vers le logement, "
        "réseau de contributeurs citoyens), accompagner les porteurs avec les incubateurs du "
        "territoire et mesurer chaque trimestre les indicateurs des défis.\n\n"
        "Année 3 — Changer d'échelle : essaimer les prototypes qui ont fait leurs preuves vers "
        "les quartiers prioritaires et les territoires de coopération, consolider un fonds "
        "territorial hybride (Métropole, Région, mécénat des entreprises engagées) et rédiger "
        "le schéma directeur de l'innovation responsable."
    ),
}


def load_label_dossier(cluster, *, by):
    """Give the cluster a draft dossier for the French Impact label call; return it.

    The call comes from the migration funding.0003_label_call; without it (a database
    emptied by hand) nothing is created and None is returned. A dossier already there,
    whatever its state, is left as it is.
    """
    call = Call.objects.filter(slug=LABEL_CALL_SLUG).first()
    if call is None:
        return None
    dossier, _created = Dossier.objects.get_or_create(
        call=call, cluster=cluster, defaults={**DEMO_LABEL_DOSSIER, "created_by": by})
    return dossier
