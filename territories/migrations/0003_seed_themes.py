from django.db import migrations

# The five national themes of the second wave of labelled territories (Localtis),
# then the themes the 2019 défis name most often.
THEMES = [
    ("alimentation-durable", "Alimentation durable et circuits courts"),
    ("economie-circulaire", "Économie circulaire et déchets"),
    ("inclusion-emploi", "Inclusion par l'emploi"),
    ("mobilite-douce", "Mobilité douce"),
    ("bien-vieillir", "Bien vieillir"),
    ("transition-energetique", "Transition énergétique"),
    ("numerique-inclusif", "Numérique inclusif"),
    ("logement", "Logement et hébergement"),
    ("education-jeunesse", "Éducation et jeunesse"),
    ("culture", "Culture et patrimoine"),
    ("sante", "Santé et solidarités"),
    ("agriculture-urbaine", "Agriculture urbaine"),
]


def seed(apps, schema_editor):
    Theme = apps.get_model("territories", "Theme")
    for slug, name in THEMES:
        Theme.objects.update_or_create(slug=slug, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("territories", "0002_map_items")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
