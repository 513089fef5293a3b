from django.db import migrations


def create_unaccent(apps, schema_editor):
    # French full-text search ignores accents on PostgreSQL; SQLite has no extensions.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")


class Migration(migrations.Migration):
    dependencies = [("territories", "0003_seed_themes")]

    operations = [migrations.RunPython(create_unaccent, migrations.RunPython.noop)]
