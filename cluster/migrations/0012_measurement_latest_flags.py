"""Store on each measurement whether it is its objective's latest, overall and of its year,
for the national dashboard (cluster.latest_measurements keeps them), and fill them."""

from django.db import migrations, models


def fill_flags(apps, schema_editor):
    from cluster.latest_measurements import refresh_latest_measurements

    measurement = apps.get_model("cluster", "Measurement")
    refresh_latest_measurements(
        measurement.objects.values_list("objective", flat=True).distinct(), model=measurement)


class Migration(migrations.Migration):

    dependencies = [
        ("cluster", "0011_national_themes_and_shared_indicators"),
    ]

    operations = [
        migrations.AddField(
            model_name="measurement",
            name="is_latest",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.AddField(
            model_name="measurement",
            name="is_latest_of_year",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.RunPython(fill_flags, migrations.RunPython.noop),
    ]
