from django.db import migrations, models

# « Cinq thématiques clé sont remontées des territoires » (Localtis, 2019), in its words.
NATIONAL_THEMES = [
    ("alimentation-durable", "Alimentation durable et circuits courts"),
    ("economie-circulaire", "Économie circulaire et valorisation des déchets"),
    ("inclusion-emploi", "Inclusion par l'emploi"),
    ("mobilite-douce", "Mobilité douce"),
    ("bien-vieillir", "Bien vieillir"),
]


def flag_national_themes(apps, schema_editor):
    Theme = apps.get_model("territories", "Theme")
    for slug, name in NATIONAL_THEMES:
        Theme.objects.update_or_create(slug=slug, defaults={"name": name, "is_national": True})


class Migration(migrations.Migration):

    dependencies = [
        ("territories", "0009_territory_label"),
    ]

    operations = [
        migrations.AddField(
            model_name="theme",
            name="is_national",
            field=models.BooleanField(
                default=False,
                help_text="L'un des cinq thèmes du réseau, par lesquels l'impact s'additionne "
                          "entre territoires.",
                verbose_name="thème national",
            ),
        ),
        migrations.RunPython(flag_national_themes, migrations.RunPython.noop),
    ]
