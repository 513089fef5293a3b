"""Open the "Territoire French Impact" label call with the five criteria of the press kit.

The criteria are those of the press kit of 25 February 2019 (seeds/dossier-presse-
territoires-french-impact-2019.txt), equally weighted: the press kit ranks none above
the others. The call opens when the migration runs and closes six months later, so a
fresh installation has a label call that works; staff move its dates in the admin
(Financements et dossiers › Appels). Running it again leaves an existing call alone.
"""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import migrations
from django.utils import timezone

FUNDER_SLUG = "le-french-impact"
CALL_SLUG = "territoire-french-impact"
OPEN_DAYS = 183  # about six months

DESCRIPTION = (
    "Le label « Territoire French Impact » valorise et renforce les synergies entre les "
    "acteurs d'un territoire, pour favoriser l'émergence, le développement et l'essaimage "
    "des innovations sociales. Les candidatures sont portées par des collectifs territoriaux "
    "qui mobilisent largement les acteurs locaux pour co-construire un projet concerté et "
    "cohérent avec les enjeux du territoire.\n\n"
    "Les territoires labellisés bénéficient d'un plan d'action et d'accompagnement sur mesure : "
    "animation de l'écosystème et soutien en ingénierie, accès au réseau des Hackers French "
    "Impact pour lever les freins réglementaires, instruction accélérée France "
    "Expérimentation, accès aux outils de financement et aux partenaires financiers."
)

ELIGIBILITY = (
    "Un collectif territorial multi-acteurs (collectivités, structures de l'ESS, entreprises "
    "engagées, accompagnement, recherche, citoyens) qui porte une dynamique d'innovation "
    "sociale sur son territoire : métropole, agglomération, ville moyenne, territoire rural, "
    "département ou région. Appel à manifestation d'intérêt ouvert en continu, instruit par "
    "vagues."
)

# (label, what is looked at), in the order of the press kit.
CRITERIA = [
    ("Dynamique territoriale multi-acteurs",
     "Mise en place ou renforcement d'une dynamique territoriale d'accompagnement et de "
     "financement, multi-acteurs, dédiée à l'innovation sociale."),
    ("Trois défis environnementaux et sociaux",
     "Identification de trois défis environnementaux et sociaux pour le territoire, avec des "
     "objectifs clairs à atteindre : à la fois catalyseurs de la mobilisation des acteurs et "
     "indicateurs de l'impact de la dynamique collective."),
    ("Plan stratégique pluriannuel",
     "Co-construction entre les acteurs d'un plan stratégique de développement territorial "
     "de l'innovation, sur plusieurs années."),
    ("Territoires d'action et de coopération prioritaire",
     "Identification et engagement d'un ou plusieurs territoires d'action et de coopération "
     "prioritaire : zones internes ou voisines qui souhaitent intégrer la dynamique sans "
     "disposer d'un écosystème suffisamment mature."),
    ("Mobilisation des entreprises engagées",
     "Mobilisation des entreprises engagées (TPE, PME, ETI et grands groupes) qui souhaitent, "
     "par la RSE, le mécénat et les partenariats, contribuer à la réussite sociale et "
     "écologique de leur territoire."),
]


def create_label_call(apps, schema_editor):
    Funder = apps.get_model("funding", "Funder")
    Call = apps.get_model("funding", "Call")
    Criterion = apps.get_model("funding", "Criterion")
    funder, _ = Funder.objects.get_or_create(
        slug=FUNDER_SLUG,
        defaults={"name": "Le French Impact", "kind": "network",
                  "website": "https://www.le-frenchimpact.fr"},
    )
    if Call.objects.filter(slug=CALL_SLUG).exists():
        return
    paris = ZoneInfo("Europe/Paris")
    today = timezone.now().astimezone(paris).date()
    call = Call.objects.create(
        funder=funder,
        kind="label",
        title="Territoire French Impact",
        slug=CALL_SLUG,
        description=DESCRIPTION,
        eligibility=ELIGIBILITY,
        opens_at=datetime.combine(today, time(0, 0), tzinfo=paris),
        deadline=datetime.combine(today + timedelta(days=OPEN_DAYS), time(23, 59), tzinfo=paris),
        max_amount=None,
    )
    Criterion.objects.bulk_create([
        Criterion(call=call, label=label, description=description, weight=1, max_score=5,
                  position=position)
        for position, (label, description) in enumerate(CRITERIA)
    ])


def remove_label_call(apps, schema_editor):
    """Remove the call unless a collective already filed a dossier to it."""
    Call = apps.get_model("funding", "Call")
    Call.objects.filter(slug=CALL_SLUG, dossiers__isnull=True).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("funding", "0003_catalogue_of_hybrid_funding"),
    ]

    operations = [
        migrations.RunPython(create_label_call, remove_label_call),
    ]
