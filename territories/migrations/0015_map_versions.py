import django.db.models.deletion
from django.db import migrations, models

from territories.map_cache import drop_triggers_sql, triggers_sql


def count_every_territory(apps, schema_editor):
    Territory = apps.get_model("territories", "Territory")
    MapVersion = apps.get_model("territories", "MapVersion")
    MapVersion.objects.bulk_create(
        [MapVersion(territory_id=pk) for pk in Territory.objects.values_list("pk", flat=True)],
        ignore_conflicts=True)


def make_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in triggers_sql():
            schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in drop_triggers_sql():
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    """The count of each territory's map changes, kept by PostgreSQL's triggers on the
    actors and places (territories.map_cache); SQLite has the table, not the triggers."""

    dependencies = [
        ('territories', '0014_published_territory_indexes'),
    ]

    operations = [
        migrations.CreateModel(
            name='MapVersion',
            fields=[
                ('territory', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='+', serialize=False, to='territories.territory')),
                ('version', models.PositiveBigIntegerField(default=0)),
            ],
        ),
        migrations.RunPython(count_every_territory, migrations.RunPython.noop),
        migrations.RunPython(make_triggers, drop_triggers),
    ]
