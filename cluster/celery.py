"""The Celery application: broker and options come from Django's settings (CELERY_*).

Start a worker with `celery -A cluster worker -l info` and the scheduler with
`celery -A cluster beat -l info`. Without REDIS_URL, tasks run inline.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cluster.settings")

app = Celery("cluster")
# The app of every thread too (gunicorn's threads, a test's): `celery.current_app`, which
# the outbox reads, is otherwise a bare default app in any thread but the first, with no
# settings, that would publish to amqp://localhost.
app.set_default()


@app.on_configure.connect
def _load_settings(sender, **kwargs):
    # Before Celery reads its options from them: a bad variable stops the worker with
    # one line, as manage.py does.
    from cluster.startup import load_settings

    load_settings()


app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
