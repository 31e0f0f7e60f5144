"""Settings for Newsroom, read from the environment.

Local use needs no variables at all: SQLite, emails written to ``var/mail``,
DEBUG on. Production sets ``DEBUG=false`` plus ``SECRET_KEY``,
``ALLOWED_HOSTS``, ``SITE_URL`` and ``DATABASE_URL``; then
``manage.py check --deploy`` passes (see the notes on the warnings it keeps).
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from newsroom.env import env_bool, env_int, env_list, env_prefixed, env_str, parse_email_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", True)

_DEV_SECRET = "insecure-dev-key-only-for-local-use-never-in-production"
SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = env_str("SITE_NAME", "The Newsroom")
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS",
    ["127.0.0.1", "localhost", "[::1]", "testserver"] if DEBUG else [urlsplit(SITE_URL).hostname],
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [SITE_URL])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "taggit",
    "ckeditor",
    "django_tasks_db",
    "django_rq",
    "axes",
    "anymail",
    "newsroom",
    "authors",
    "articles",
    "newsletter",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Serves anonymous readers' cached public pages before the rest runs.
    "newsroom.page_cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Last, as django-axes requires: it turns a locked-out log-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "newsroom.context_processors.site",
            ],
            "builtins": ["newsroom.templatetags.newsroom"],
        },
    },
]

# --- Database -------------------------------------------------------------
# SQLite by default (zero set-up); PostgreSQL through psycopg 3 with
# DATABASE_URL=postgres://user@host:5432/name.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # make run's web server, task worker and scheduler write one file at once.
    # - IMMEDIATE: every transaction takes the write lock at BEGIN, where SQLite
    #   waits for it. A deferred one that read first and writes later is refused
    #   "database is locked" at once, without waiting, when another process
    #   wrote meanwhile (SQLite cannot let it wait without risking a deadlock).
    # - timeout: how long a connection waits for that lock (the busy timeout);
    #   writes take milliseconds, a newsletter send's start a little longer.
    # - WAL: readers never wait for the writer nor it for them (kept in the
    #   file once set); synchronous=NORMAL is durable in WAL except for the last
    #   commits before a power cut, never corrupt.
    DATABASES["default"]["OPTIONS"] = {
        **DATABASES["default"].get("OPTIONS", {}),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and background work -------------------------------------------
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "newsroom"),
            # A Redis that is down or stops answering costs a request about a
            # second, never a hang: callers treat cache errors as misses.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    # Sessions stay in the database (Django's default), not the cache: staff
    # can still sign in while Redis is down.
else:
    # Without Redis, a cache in files that every process on this machine shares:
    # the web workers, the task worker and the scheduler. A per-process cache
    # would keep serving, from one web worker, a page another process had
    # dropped (an edit saved through the other worker, renditions made by the
    # task worker).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": env_str("CACHE_DIR", str(BASE_DIR / "var" / "cache")),
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }

# /healthz answers 503 when the oldest queued task has waited longer than this.
HEALTH_MAX_QUEUE_AGE = env_int("HEALTH_MAX_QUEUE_AGE", 10 * 60)

# TASKS_BACKEND picks where tasks wait for a worker: "db" (the default;
# workers run `manage.py db_worker`), "rq" (Redis at REDIS_URL, for many
# workers on many machines; workers run
# `manage.py rqworker --job-class django_tasks_rq.Job default`, without which
# RQ cannot call a django.tasks Task), "immediate" (run in the caller), or a
# backend's dotted path.
_TASK_BACKENDS = {
    "db": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
}
_tasks_backend = env_str("TASKS_BACKEND", "db").strip()
TASKS = {"default": {"BACKEND": _TASK_BACKENDS.get(_tasks_backend.lower(), _tasks_backend)}}
if "." not in TASKS["default"]["BACKEND"]:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND must be one of {sorted(_TASK_BACKENDS)} or a dotted path, "
        f"not {_tasks_backend!r}"
    )
_tasks_use_rq = TASKS["default"]["BACKEND"] == _TASK_BACKENDS["rq"]
if _tasks_use_rq and not REDIS_URL:
    raise ImproperlyConfigured("TASKS_BACKEND=rq needs REDIS_URL (the Redis that holds the queue).")
# django_rq reads its queues from here; only the RQ backend uses them.
RQ_QUEUES = {
    "default": {
        "URL": REDIS_URL or "redis://127.0.0.1:6379/0",
        # A deliver_edition job works its edition until nothing is due: at
        # NEWSLETTER_SEND_RATE a big audience takes a while. If RQ kills a
        # job at this limit its rows are reclaimed after the lease anyway.
        "DEFAULT_TIMEOUT": env_int("RQ_JOB_TIMEOUT", 6 * 60 * 60),
    }
}

# --- Auth -----------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"

# Log-in throttle (django-axes): after LOGIN_FAILURE_LIMIT wrong passwords for
# one username from one address, that pair is locked out for
# LOGIN_LOCKOUT_MINUTES, and every further failure restarts the wait. Keyed on
# the pair, so a guesser cannot lock a colleague out from elsewhere, and a
# locked-out person can still log in from another network. Attempts live in
# the database and show in the admin (Axes ▸ Access attempts), where a
# superuser can delete one to lift a lockout early.
AUTHENTICATION_BACKENDS = [
    # First: it refuses a locked-out pair before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
# At least a minute: no cool-off would lock a pair out until an admin steps in.
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The address our own proxies saw (TRUSTED_PROXY_COUNT), never a header the
# client could write itself.
AXES_CLIENT_IP_CALLABLE = "newsroom.client_ip.client_ip"
AXES_LOCKOUT_TEMPLATE = "admin/lockout.html"
# No start-up banner in every process (web workers, worker, scheduler, each command).
AXES_VERBOSE = False

# --- Time and language ----------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "America/New_York")  # the newsroom's; stored times are UTC
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# The app serves uploads itself for local use and one-box sites; turn off when
# media lives on object storage (S3 through django-storages) or a front server.
SERVE_MEDIA = env_bool("SERVE_MEDIA", True)
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
# Uploads beyond this stay on disk rather than in memory while validated.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024

# --- Email ---------------------------------------------------------------
# EMAIL_URL picks the mailer: smtp[+tls|+ssl]://user:pass@host:port, file:///folder,
# console:, or an ESP through django-anymail, anymail+<esp>://CREDENTIALS@?option=value
# (newsroom.env.parse_email_url). Local use writes mail to var/mail; production
# defaults to the machine's own SMTP relay.
_DEFAULT_EMAIL_URL = f"file://{VAR_DIR / 'mail'}" if DEBUG else "smtp://localhost:25"
MAILERS = {"default": parse_email_url(env_str("EMAIL_URL", _DEFAULT_EMAIL_URL))}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "The Newsroom <newsroom@localhost>")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# django-anymail's settings: ANYMAIL_<NAME> becomes ANYMAIL["<NAME>"]. The ESP's
# tracking webhook (newsletter.webhooks) acts only with ANYMAIL_WEBHOOK_SECRET
# set, plus the signing key of ESPs that sign (README, "Picking a mail provider").
ANYMAIL = env_prefixed("ANYMAIL_")

# --- Rich text ------------------------------------------------------------
# ckeditor.W001 stays visible in `check` on purpose: the bundled CKEditor
# 4.22.1 has unfixed advisories. What mitigates them here: (1) the editor is
# only served to authenticated staff inside the admin; (2) its configuration
# below is locked down (minimal toolbar, no source view, no dialogs that take
# raw HTML, no uploads, no allowedContent: true); (3) whatever it submits is
# sanitized by nh3 on the server before it is stored (newsroom.richtext), so
# a flaw in the editor cannot put script into the database or public pages.
CKEDITOR_CONFIGS = {
    "default": {
        "toolbar": "Newsroom",
        "toolbar_Newsroom": [
            ["Format", "Bold", "Italic"],
            ["NumberedList", "BulletedList", "Blockquote"],
            ["Link", "Unlink"],
            ["Table", "HorizontalRule"],
            ["RemoveFormat"],
        ],
        "format_tags": "p;h2;h3;h4",
        "removePlugins": "exportpdf,flash,iframe,forms,templates,preview,print,sourcearea,"
        "sourcedialog,codesnippet,elementspath",
        "removeDialogTabs": "link:advanced;link:target;table:advanced",
        "height": 360,
        "width": "100%",
        "versionCheck": False,
    }
}

# --- Images ---------------------------------------------------------------
IMAGE_MAX_UPLOAD_BYTES = env_int("IMAGE_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
IMAGE_MAX_PIXELS = env_int("IMAGE_MAX_PIXELS", 50_000_000)

# --- Security -------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# The public site loads nothing from elsewhere; the admin's CKEditor needs
# inline styles, which a nonce cannot cover, hence 'unsafe-inline' for styles.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# ckeditor.W001 is kept visible deliberately (see "Rich text" above).
# security.W021 (HSTS preload) is opt-in: preloading is hard to undo, so a
# deployment turns it on with SECURE_HSTS_PRELOAD=true once HTTPS is settled.
SILENCED_SYSTEM_CHECKS = env_list("SILENCED_SYSTEM_CHECKS", ["security.W021"])

# --- Logging --------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "newsroom.logging.JsonFormatter"},
    },
    "filters": {
        "no_traceback_for_bad_requests": {"()": "newsroom.logging.NoTracebackForBadRequests"}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": env_str("LOG_FORMAT", "plain" if DEBUG else "json"),
            "filters": ["no_traceback_for_bad_requests"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own handlers for "django" (a bare console one when DEBUG,
        # mail to ADMINS, which we do not set) would print every line twice
        # beside the root handler: everything goes to the root handler.
        "django": {"handlers": [], "level": env_str("LOG_LEVEL", "INFO"), "propagate": True},
        "django.db.backends": {"level": "WARNING"},
    },
}

# --- Scheduler (the Procfile's `scheduler` process) -----------------------
# (management command, every N seconds); each must be safe to run twice.
SCHEDULED_COMMANDS = [
    ("clearsessions", 60 * 60),
    # A sign-up task's arguments hold the typed address: finished ones go after a
    # day, so an address later erased or suppressed is not kept in the task table.
    ("prune_db_task_results --min-age-days 1", 60 * 60),
    # Login attempts and access records (who logged in from where) for 90 days.
    ("axes_reset_logs --age 90", 24 * 60 * 60),
]

# --- Newsletter sign-ups (newsletter/subscriptions.py) --------------------
# Throttles live in the default cache (Redis when REDIS_URL is set, so they
# hold across processes). One confirmation mail per address per window: a
# hundred sign-ups of one address in a minute send one email.
NEWSLETTER_CONFIRM_EMAIL_WINDOW = env_int("NEWSLETTER_CONFIRM_EMAIL_WINDOW", 15 * 60)
NEWSLETTER_SIGNUP_IP_LIMIT = env_int("NEWSLETTER_SIGNUP_IP_LIMIT", 20)
NEWSLETTER_SIGNUP_IP_WINDOW = env_int("NEWSLETTER_SIGNUP_IP_WINDOW", 60 * 60)
# Proxies of ours in front of the app (load balancer, CDN): the reader's
# address is read from X-Forwarded-For that many entries from the right
# (newsroom.client_ip). 0: the header is ignored, REMOTE_ADDR is the reader.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# How long a confirmation link works.
NEWSLETTER_CONFIRM_MAX_AGE = env_int("NEWSLETTER_CONFIRM_MAX_AGE", 7 * 24 * 60 * 60)

# --- Public page cache (newsroom.page_cache) ----------------------------------
# Seconds a rendered page is kept for anonymous readers; a change to what it
# shows drops it sooner (0: no page cache). Browsers recheck after
# PUBLIC_BROWSER_MAX_AGE (a cheap 304); a CDN may keep a copy PUBLIC_CDN_MAX_AGE
# seconds, or until a purge names one of its tags.
PUBLIC_PAGE_CACHE_SECONDS = env_int("PUBLIC_PAGE_CACHE_SECONDS", 600)
PUBLIC_BROWSER_MAX_AGE = env_int("PUBLIC_BROWSER_MAX_AGE", 60)
PUBLIC_CDN_MAX_AGE = env_int("PUBLIC_CDN_MAX_AGE", 300)
# Paths with no public page under them: the page cache does not look them up.
PUBLIC_PAGE_CACHE_SKIP_PREFIXES = ["/admin/", "/healthz", MEDIA_URL, "/newsletters/", "/preview/"]
# Names this deploy in the page cache's keys (say, the commit being deployed);
# empty: the installed version and the static files' manifest name it.
RELEASE_ID = env_str("RELEASE_ID", "")
# Tells a CDN in front which pages changed: "newsroom.purge.HTTPPurge"
# sends each drop's tags to PAGE_CACHE_PURGE_URL; empty: no CDN to tell.
PAGE_CACHE_PURGE_BACKEND = env_str(
    "PAGE_CACHE_PURGE_BACKEND",
    "newsroom.purge.HTTPPurge" if env_str("PAGE_CACHE_PURGE_URL", "") else "",
)
PAGE_CACHE_PURGE_URL = env_str("PAGE_CACHE_PURGE_URL", "")
PAGE_CACHE_PURGE_METHOD = env_str("PAGE_CACHE_PURGE_METHOD", "POST")
PAGE_CACHE_PURGE_TOKEN = env_str("PAGE_CACHE_PURGE_TOKEN", "")

# --- Image renditions ------------------------------------------------------
# Widths (px) of the whole-picture renditions and of the 16:9 card crops, each
# in WebP and JPEG, never upscaled; the social crop is what og:image uses.
IMAGE_RENDITION_WIDTHS = [400, 800, 1200, 1600]
IMAGE_CARD_WIDTHS = [400, 800]
IMAGE_SOCIAL_SIZE = (1200, 630)

# --- Newsletter sending (newsletter/sending.py, newsletter/schedule.py) ----
# Rows a worker claims at once: one mail connection, or one ESP batch-API call.
NEWSLETTER_BATCH_SIZE = env_int("NEWSLETTER_BATCH_SIZE", 100)
# A claimed row is another worker's to take after this long (its worker is
# presumed dead): keep it well above BATCH_SIZE x workers / SEND_RATE seconds.
NEWSLETTER_LEASE_SECONDS = env_int("NEWSLETTER_LEASE_SECONDS", 300)
# Messages per second for all workers together when REDIS_URL is set (the
# budget lives in Redis); without Redis each worker process keeps it by
# itself. 0: no limit.
NEWSLETTER_SEND_RATE = env_int("NEWSLETTER_SEND_RATE", 20)
# deliver_edition tasks enqueued when a send starts or resumes: with N worker
# processes (on one machine or several), up to N of them work one edition at once.
NEWSLETTER_PARALLEL_TASKS = env_int("NEWSLETTER_PARALLEL_TASKS", 1)
# Temporary failures (4xx, timeouts, an ESP's 5xx) wait BACKOFF * 2**(attempt-1) seconds;
# after MAX_ATTEMPTS the row fails (without suppressing the address).
NEWSLETTER_RETRY_BACKOFF = env_int("NEWSLETTER_RETRY_BACKOFF", 60)
NEWSLETTER_MAX_ATTEMPTS = env_int("NEWSLETTER_MAX_ATTEMPTS", 5)
# A slot the scheduler missed (it was down) is still sent if this recent.
NEWSLETTER_CATCH_UP_HOURS = env_int("NEWSLETTER_CATCH_UP_HOURS", 24)
# Optional address added to List-Unsubscribe as a mailto: alternative.
NEWSLETTER_UNSUBSCRIBE_MAILTO = env_str("NEWSLETTER_UNSUBSCRIBE_MAILTO", "")
SCHEDULED_COMMANDS += [("newsletter_tick", 60)]

# --- Editing together (articles/editing.py) -------------------------------
# The open article form pings every EDITING_PING_SECONDS; a person stops
# counting as "editing" once their last ping is EDITING_PRESENCE_TIMEOUT old
# (a crashed browser sends no "leaving" note). Autosave sends the form's values
# to the person's own draft every EDITING_AUTOSAVE_SECONDS when they changed.
EDITING_PING_SECONDS = env_int("EDITING_PING_SECONDS", 15)
EDITING_PRESENCE_TIMEOUT = env_int("EDITING_PRESENCE_TIMEOUT", 60)
EDITING_AUTOSAVE_SECONDS = env_int("EDITING_AUTOSAVE_SECONDS", 20)
EDITING_DRAFT_MAX_BYTES = env_int("EDITING_DRAFT_MAX_BYTES", 1_000_000)
# A draft nobody came back to (they saved elsewhere, or gave up) goes after this.
EDITING_DRAFT_KEEP_DAYS = env_int("EDITING_DRAFT_KEEP_DAYS", 30)
SCHEDULED_COMMANDS += [("prune_editing", 60 * 60)]
# A piece published since enters the "Further reading" of the last month's
# pieces (articles/related.py); older ones keep theirs until `--all`.
SCHEDULED_COMMANDS += [("refresh_further_reading", 24 * 60 * 60)]
