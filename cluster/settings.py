"""Settings of the platform, every knob read from the environment.

`.env.example` lists each variable with its default. Nothing else in the
code reads os.environ.
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
import dj_email_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from cluster.env import env_bool, env_int, env_list, env_str, env_url

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if SECRET_KEY is None:
    if not DEBUG:
        raise ImproperlyConfigured(
            "La variable d'environnement SECRET_KEY est obligatoire quand DEBUG est faux "
            "(voir .env.example)."
        )
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# The site's public address, the one base of every absolute link in e-mails, calendar feeds
# and PDFs (territories.links.absolute_url): required in production, where the request's
# host may be a proxy's or absent (a background task).
SITE_URL = (env_url("SITE_URL", "http://127.0.0.1:8000") if DEBUG
            else env_url("SITE_URL", required=True))
# Collectives ----
# Days an invitation to join a collective stays valid; resending it starts a new period.
INVITATION_TTL_DAYS = env_int("INVITATION_TTL_DAYS", 14, minimum=1)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "simple_history",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_celery_beat",
    "axes",
    "allauth",
    "allauth.account",
    # Apps of the platform, from the ground up: each imports only those above it.
    "territories",
    "cluster",
    "projects",
    "funding",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "cluster.middleware.LanguageMiddleware",
    # Faults survived: a lost database answers 503, not 500.
    "cluster.middleware.DatabaseUnavailableMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Hostile input: NUL characters refused (400), blocked deletions explained (409).
    "cluster.middleware.NullCharacterMiddleware",
    "cluster.middleware.DeletionBlockedMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cluster.urls"
WSGI_APPLICATION = "cluster.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                # A funder's administrators find its back office in the menu.
                "funding.context_processors.funder_back_office",
            ],
        },
    },
]

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Database: SQLite next to the code unless DATABASE_URL names another one.
_database_url = env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
try:
    DATABASES = {
        "default": dj_database_url.parse(
            _database_url,
            conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0),
            conn_health_checks=True,
        )
    }
except (ValueError, KeyError) as exc:
    raise ImproperlyConfigured(
        f"DATABASE_URL n'est pas une URL de base de données reconnue ({exc}). "
        "Exemple : postgres://utilisateur:motdepasse@hote:5432/base"
    ) from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "cluster.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages: French by default, English on request (language switch).
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("Anglais"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Uploads are bounded: larger request bodies are refused before they reach a view.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 5 * 1024 * 1024, minimum=1)
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE

# Roadmap: deliverables and milestone reminders ------------------------------------------
# Largest deliverable a member may upload to a roadmap step, in MiB.
DELIVERABLE_MAX_MB = env_int("DELIVERABLE_MAX_MB", 10, minimum=1)
# Facilitators are reminded of a milestone this many days before it falls due.
MILESTONE_REMINDER_DAYS = env_int("MILESTONE_REMINDER_DAYS", 7, minimum=1)

# E-mail: printed on the console unless EMAIL_URL names an SMTP server.
_email_url = env_str("EMAIL_URL", "console:")
try:
    _email = dj_email_url.parse(_email_url)
except Exception:  # dj-email-url raises bare exceptions on some malformed URLs.
    _email = {}
if "EMAIL_BACKEND" not in _email:
    raise ImproperlyConfigured(
        f"EMAIL_URL n'est pas une URL de messagerie reconnue ({_email_url!r}). "
        "Exemples : console:, smtp://utilisateur:motdepasse@hote:587/?tls=True"
    )
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email["EMAIL_HOST"]
EMAIL_PORT = _email["EMAIL_PORT"]
EMAIL_HOST_USER = _email["EMAIL_HOST_USER"]
EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"]
EMAIL_USE_TLS = _email["EMAIL_USE_TLS"]
EMAIL_USE_SSL = _email["EMAIL_USE_SSL"]
DEFAULT_FROM_EMAIL = env_str(
    "DEFAULT_FROM_EMAIL", "Plateforme clusters <ne-pas-repondre@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Redis: the Celery broker and the cache. Without it, tasks run inline and the
# cache lives in the process, so the embedded default works on its own.
REDIS_URL = env_str("REDIS_URL")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_TASK_ALWAYS_EAGER = REDIS_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = TIME_ZONE
# Periodic tasks; django-celery-beat's DatabaseScheduler copies them into its tables at
# start-up, where the admin may pause them. Times are in CELERY_TIMEZONE (Europe/Paris).
CELERY_BEAT_SCHEDULE = {
    # Roadmap ----
    "rappels-des-jalons": {
        "task": "cluster.tasks.send_milestone_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
    "synthese-hebdomadaire-des-clusters": {
        "task": "cluster.tasks.send_weekly_digest",
        "schedule": crontab(hour=8, minute=0, day_of_week="monday"),
    },
    # The label's annual follow-up: reminders 30 and 7 days before it is due ----
    "rappels-du-suivi-annuel-du-label": {
        "task": "funding.tasks.send_follow_up_reminders_task",
        "schedule": crontab(hour=7, minute=15),
    },
}
# Cache ----------------------------------------------------------------------------------------
# Rate-limit counters (event sign-ups, password resets) live in the cache: in Redis when
# REDIS_URL is set, so every web process counts together; in the process otherwise.
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "cluster.cache.TolerantRedisCache",
                          "LOCATION": REDIS_URL, "KEY_PREFIX": "cache"}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# ---------------------------------------------------------------------------------------- Cache

# Faults survived ----
# A broker that is down never holds a request for more than about a second: queuing a
# task fails fast and the task waits in the outbox (territories.outbox), sent again by
# the periodic flush below and when a worker starts. Workers keep retrying on their own.
_BROKER_TIMEOUT = 1  # seconds
CELERY_BROKER_CONNECTION_TIMEOUT = _BROKER_TIMEOUT
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": _BROKER_TIMEOUT,
    "socket_timeout": _BROKER_TIMEOUT,
    "retry_on_timeout": False,
    "max_retries": 0,
}
CELERY_TASK_PUBLISH_RETRY = False
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = _BROKER_TIMEOUT
CELERY_REDIS_SOCKET_TIMEOUT = _BROKER_TIMEOUT
CELERY_REDIS_RETRY_ON_TIMEOUT = False
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"retry_policy": {"max_retries": 0}}
if REDIS_URL:
    # The cache (rate limits) gives up as fast, then answers as an empty cache: the limits
    # fail open while Redis is away (cluster.cache.TolerantRedisCache).
    CACHES["default"]["OPTIONS"] = {"socket_connect_timeout": _BROKER_TIMEOUT,
                                    "socket_timeout": _BROKER_TIMEOUT}
# Open data (/donnees/) ----
# Where the built files are written; they are served only through /donnees/ downloads.
OPENDATA_ROOT = Path(env_str("OPENDATA_ROOT", str(MEDIA_ROOT / "opendata")))
# Seconds after a build during which staff cannot ask for another one.
OPENDATA_REBUILD_SECONDS = env_int("OPENDATA_REBUILD_SECONDS", 60, minimum=0)
CELERY_BEAT_SCHEDULE["donnees-ouvertes-publication"] = {
    "task": "territories.tasks.build_open_data_task",
    "schedule": crontab(hour=3, minute=30),
}
CELERY_BEAT_SCHEDULE["envoi-des-taches-en-attente"] = {
    "task": "territories.tasks.flush_outbox_task",
    "schedule": timedelta(minutes=1),
}

# Webhooks of the funders ----
# Deliveries to private, loopback or reserved addresses are refused unless this is true
# (tests, a local trial): in production it would let anyone reach the internal network.
WEBHOOKS_ALLOW_PRIVATE = env_bool("WEBHOOKS_ALLOW_PRIVATE", DEBUG)
# Days a finished delivery stays in the funder's log.
WEBHOOK_DELIVERY_RETENTION_DAYS = env_int("WEBHOOK_DELIVERY_RETENTION_DAYS", 30, minimum=1)
CELERY_BEAT_SCHEDULE["webhooks-envois-a-reprendre"] = {
    "task": "funding.tasks.retry_webhook_deliveries_task",
    "schedule": timedelta(minutes=1),
}
CELERY_BEAT_SCHEDULE["webhooks-purge-du-journal"] = {
    "task": "funding.tasks.purge_webhook_deliveries_task",
    "schedule": crontab(hour=4, minute=30),
}


# Client address ---------------------------------------------------------------------------
# How many reverse proxies in front of the site append the address they received from to
# X-Forwarded-For (nginx with $proxy_add_x_forwarded_for counts as one). 0: the header is
# ignored, the client is the address of the connection. Read by cluster.client_ip, the one
# source of the client address for sign-in throttling and the event sign-up limit.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)
# --------------------------------------------------------------------------- Client address

# Accounts: sign-in throttling, password resets, calendar links -------------------------------
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out client before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Failed sign-ins are counted in the database (django-axes' tables), so every web process
# sees the same count with or without Redis, and staff can lift a lockout in the admin.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
# Counted per address AND per account, separately: an address that tries many accounts
# (credential stuffing) and an account tried from many addresses (distributed guessing)
# are both stopped after LOGIN_FAILURE_LIMIT failures.
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15, minimum=1))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"

# Sign-up, e-mail confirmation and e-mail change: django-allauth (its account app only).
# Signing in, out and resetting a password stay on Django's views above (django-axes counts
# their failures); allauth's sign-in name points to the same page.
# SIGNUP_OPEN=false: only invited people get an account (the invitation link still works).
SIGNUP_OPEN = env_bool("SIGNUP_OPEN", True)
ACCOUNT_ADAPTER = "cluster.account_adapter.AccountAdapter"
ACCOUNT_FORMS = {"signup": "cluster.account_adapter.SignupForm"}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = env_int("EMAIL_CONFIRMATION_DAYS", 3, minimum=1)
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Clusters] "
ACCOUNT_SIGNUP_REDIRECT_URL = "onboarding"
ACCOUNT_EMAIL_CONFIRMATION_AUTHENTICATED_REDIRECT_URL = "onboarding"
AXES_CLIENT_IP_CALLABLE = "cluster.client_ip.client_ip"
AXES_USERNAME_CALLABLE = "cluster.client_ip.sign_in_username"
# Successful sign-ins are not logged: only failures are kept, and only until the cool-off.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
# Password reset requests, per e-mail address and per client address (rate: N/period).
PASSWORD_RESET_RATE = env_str("PASSWORD_RESET_RATE", "5/hour")
PASSWORD_RESET_IP_RATE = env_str("PASSWORD_RESET_IP_RATE", "20/hour")
# Days a personal calendar (iCal) link works; the profile page renews it sooner.
ICAL_LINK_TTL_DAYS = env_int("ICAL_LINK_TTL_DAYS", 365, minimum=1)
# ------------------------------------------------------------------------------------ Accounts

# HTTPS and security headers -----------------------------------------------------------------
# Secure by default when DEBUG is false; a plain-HTTP trial (docker compose on localhost)
# sets SECURE_SSL_REDIRECT=false and SECURE_COOKIES=false.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_COOKIES = env_bool("SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
LANGUAGE_COOKIE_SECURE = SECURE_COOKIES
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto (and strips the client's own).
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_HTTPS_PROXY", False) else None
)
# HSTS is only sent over HTTPS, so a plain-HTTP trial never receives it.
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS = []
if not SECURE_HSTS_PRELOAD:
    # Asking browsers to preload the domain binds every subdomain to HTTPS for months and
    # is hard to undo: the domain's owner opts in with SECURE_HSTS_PRELOAD=true.
    SILENCED_SYSTEM_CHECKS.append("security.W021")
# The maps' covering indexes (INCLUDE id, territories 0016 and 0017) let PostgreSQL read a
# box from the index alone; SQLite, the embedded default, builds them without the included
# column, which is all it can use: its warning would greet every command of a newcomer.
SILENCED_SYSTEM_CHECKS.append("models.W040")
# ------------------------------------------------------------------ HTTPS and security headers

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # knox tokens sent as "Token <jeton>" or "Bearer <jeton>", with their scope.
        "cluster.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "cluster.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # Adds to each operation the error statuses it can answer (cluster.api.schema).
    "DEFAULT_SCHEMA_CLASS": "cluster.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "cluster.api.exceptions.exception_handler",
    # JSON objects only, bounded in size and depth; no NUL character in JSON or forms.
    # Forms and multipart only on a view that receives a file (none yet), declared there.
    "DEFAULT_PARSER_CLASSES": ["cluster.api.parsers.JSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # Public sign-ups to events, per client address (page and API alike).
    "DEFAULT_THROTTLE_RATES": {"registrations": env_str("REGISTRATION_RATE", "30/hour")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "API des clusters locaux d'innovation responsable",
    "DESCRIPTION": (
        "Lecture publique des territoires publiés ; instruction des dossiers par les "
        "financeurs. Authentification : en-tête `Authorization: Token <jeton>` ou "
        "`Authorization: Bearer <jeton>` (jetons créés depuis la page Profil) ou session du "
        "navigateur."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI is served from the drf-spectacular-sidecar package, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One name per choice set shared by several fields (stage, from_stage, to_stage…).
    # ASCII names, for the packages of generated clients; French titles for people.
    "TAGS": [
        {"name": "accueil", "description": _("Point d'entrée de l'API.")},
        {"name": "compte", "description": _("La personne connectée et ses rôles.")},
        {"name": "territoires", "description": _("Territoires, leur périmètre et leur carte.")},
        {"name": "carte", "description": _("La carte nationale : regroupements et contours.")},
        {"name": "acteurs", "description": _("Acteurs de la cartographie d'un territoire.")},
        {"name": "lieux", "description": _("Lieux de la cartographie : tiers-lieux, friches…")},
        {"name": "collectifs", "description": _("Collectifs porteurs et leurs membres.")},
        {"name": "demandes-d-adhesion", "description": _("Demandes pour rejoindre un "
                                                         "collectif et leurs réponses.")},
        {"name": "clusters", "description": _("Clusters, feuille de route, jalons, livrables "
                                              "et demandes de cluster.")},
        {"name": "defis", "description": _("Défis, objectifs et mesures.")},
        {"name": "reseau", "description": _(
            "Le réseau national : indicateurs partagés, tableau de bord, comparaison de "
            "territoires, savoir-faire et besoins, freins réglementaires, masterclasses.")},
        {"name": "entreprises-engagees", "description": _("Entreprises engagées.")},
        {"name": "transferts", "description": _("Transferts d'expertise entre territoires "
                                                "pairs.")},
        {"name": "comites-de-pilotage", "description": _("Comités de pilotage et leurs "
                                                         "décisions.")},
        {"name": "projets", "description": _("Projets, leurs étapes et leur essaimage.")},
        {"name": "evenements", "description": _("Évènements et inscriptions.")},
        {"name": "financements", "description": _("Catalogue des sources et plans de "
                                                  "financement.")},
        {"name": "appels-et-dossiers", "description": _("Appels et dossiers des collectifs.")},
        {"name": "instruction", "description": _("Instruction des dossiers par les "
                                                 "financeurs.")},
        {"name": "financeurs", "description": _("Les personnes d'un financeur et ses "
                                                "invitations, pour ses administrateur·rices.")},
        {"name": "schemas-directeurs", "description": _("Versions du schéma directeur et "
                                                        "leurs PDF.")},
        {"name": "webhooks", "description": _("Webhooks des financeurs et journal des "
                                              "envois.")},
    ],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "cluster.api.schema.postprocess_parameter_enums",
    ],
    "ENUM_NAME_OVERRIDES": {
        "ProjectStageEnum": "projects.models.Project.Stage",
        "DossierStatusEnum": "funding.models.Dossier.Status",
        "CallKindEnum": "funding.models.Call.Kind",
        "CallStateEnum": "funding.models.CallState",
        "MasterPlanVersionStatusEnum": "cluster.models.MasterPlanVersion.Status",
        # Join requests and cluster requests: the same three states.
        "RequestStatusEnum": "cluster.join_models.JoinRequest.Status",
        "ReviewRecommendationEnum": "funding.models.Review.Recommendation",
        "DecisionOutcomeEnum": "funding.models.Decision.Outcome",
        "WebhookEventEnum": "funding.models.WebhookEndpoint.Event",
        "WebhookDeliveryStatusEnum": "funding.models.WebhookDelivery.Status",
        # A collective's roles keep their name; a funder's people have theirs.
        "RoleEnum": "cluster.models.Membership.Role",
        "FunderMemberRoleEnum": "funding.models.FunderMember.Role",
        # Objectives and the shared indicators they adopt go the same ways: one enum, with
        # the name clients have known since objectives came first.
        "ObjectiveDirectionEnum": "cluster.models.Objective.Direction",
        # The network: a line of savoir-faire or besoin, a regulatory blocker's states.
        "KnowHowKindEnum": "cluster.network_models.KnowHow.Kind",
        "BlockerStatusEnum": "cluster.network_models.Blocker.Status",
    },
}
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=90),  # tokens made from the profile choose their own
    "TOKEN_PREFIX": "clir_",
    "AUTO_REFRESH": False,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint logs each step of every PDF at INFO; its warnings still show.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # django-axes: failed and locked-out sign-ins (WARNING) without every success (INFO).
        "axes": {"level": "WARNING"},
    },
}

# Map tiles: off by default (empty or "off"): maps draw the perimeter's communes and place
# the markers from the committed dataset, and no request leaves the machine. Set a tile
# server's URL (e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png) to show a background:
# every visitor's browser then fetches tiles from that server.
MAP_TILE_URL = env_str("MAP_TILE_URL", "")
if MAP_TILE_URL == "off":
    MAP_TILE_URL = ""
MAP_TILE_ATTRIBUTION = env_str(
    "MAP_TILE_ATTRIBUTION", "&copy; les contributeurs d'OpenStreetMap"
)


# Content-Security-Policy --------------------------------------------------------------------
# Pages run only the scripts and styles served by the site: no inline script, no style
# attribute. Map tiles are the one outside source. The API docs (Swagger UI) relax the
# policy for themselves in cluster.urls.
_tile_origin = ""
if MAP_TILE_URL:
    _tile_parts = urlsplit(MAP_TILE_URL)
    _tile_origin = f"{_tile_parts.scheme}://{_tile_parts.netloc.replace('{s}', '*')}"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # data: for Bootstrap's and Leaflet's embedded SVG icons.
        "img-src": [SELF, "data:", *([_tile_origin] if _tile_origin else [])],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# -------------------------------------------------------------------- Content-Security-Policy
