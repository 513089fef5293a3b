import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


def name_stewards(apps, schema_editor):
    """Name a steward for every existing territory: the collective of its earliest cluster,
    else its creator's collective when the creator facilitates exactly one."""
    Territory = apps.get_model("territories", "Territory")
    Cluster = apps.get_model("cluster", "Cluster")
    Membership = apps.get_model("cluster", "Membership")
    Stewardship = apps.get_model("cluster", "Stewardship")
    for territory in Territory.objects.order_by("pk"):
        first = Cluster.objects.filter(territory=territory).order_by("created_at", "pk").first()
        collective_id = first.collective_id if first else None
        if collective_id is None and territory.created_by_id:
            facilitated = list(Membership.objects.filter(
                user_id=territory.created_by_id, role="facilitator",
            ).values_list("collective_id", flat=True)[:2])
            if len(facilitated) == 1:
                collective_id = facilitated[0]
        if collective_id is not None:
            Stewardship.objects.create(territory=territory, collective_id=collective_id)


class Migration(migrations.Migration):

    dependencies = [
        ('cluster', '0005_master_plan'),
        ('territories', '0005_territory_profile'),
    ]

    operations = [
        migrations.CreateModel(
            name='HistoricalStewardship',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('named_at', models.DateTimeField(blank=True, editable=False, verbose_name='depuis le')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('collective', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='cluster.collective', verbose_name='collectif animateur')),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('named_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='nommé par')),
                ('territory', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='territories.territory', verbose_name='territoire')),
            ],
            options={
                'verbose_name': "historical collectif animateur d'un territoire",
                'verbose_name_plural': 'historical collectifs animateurs des territoires',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='Stewardship',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('named_at', models.DateTimeField(auto_now=True, verbose_name='depuis le')),
                ('collective', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='stewardships', to='cluster.collective', verbose_name='collectif animateur')),
                ('named_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='nommé par')),
                ('territory', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='stewardship', to='territories.territory', verbose_name='territoire')),
            ],
            options={
                'verbose_name': "collectif animateur d'un territoire",
                'verbose_name_plural': 'collectifs animateurs des territoires',
                'ordering': ['territory__name'],
            },
        ),
        migrations.CreateModel(
            name='ClusterRequest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('start_date', models.DateField(verbose_name='date de lancement souhaitée')),
                ('duration_months', models.PositiveSmallIntegerField(default=12, verbose_name='durée (mois)')),
                ('message', models.TextField(blank=True, max_length=2000, verbose_name='message')),
                ('status', models.CharField(choices=[('pending', 'en attente'), ('accepted', 'acceptée'), ('refused', 'refusée')], default='pending', max_length=10, verbose_name='état')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='envoyée le')),
                ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='décidée le')),
                ('answer', models.TextField(blank=True, max_length=2000, verbose_name='réponse')),
                ('cluster', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='cluster.cluster', verbose_name='cluster créé')),
                ('collective', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='cluster_requests', to='cluster.collective', verbose_name='collectif demandeur')),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='décidée par')),
                ('requested_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='demandée par')),
                ('territory', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='cluster_requests', to='territories.territory', verbose_name='territoire')),
            ],
            options={
                'verbose_name': 'demande de cluster',
                'verbose_name_plural': 'demandes de cluster',
                'ordering': ['-created_at', '-pk'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('status', 'pending')), fields=('collective', 'territory'), name='one_pending_cluster_request_per_collective_and_territory'), models.CheckConstraint(condition=models.Q(('duration_months__gte', 9), ('duration_months__lte', 12)), name='cluster_request_duration_9_to_12_months')],
            },
        ),
        migrations.RunPython(name_stewards, migrations.RunPython.noop),
    ]
