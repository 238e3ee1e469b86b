"""Configuration classes; the FLASK_CONFIG environment variable picks one.

Nothing here is read at import time: each class reads the environment when
``create_app`` instantiates it.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent
#: The key DevelopmentConfig falls back to: public, so it may serve this computer only.
DEVELOPMENT_KEY = "development-only-not-secret"


def _env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name):
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


class Config:
    """Settings shared by every environment."""

    def __init__(self):
        self.SECRET_KEY = os.environ.get("SECRET_KEY")
        self.SQLALCHEMY_DATABASE_URI = os.environ.get(
            "DATABASE_URL", f"sqlite:///{BASE_DIR / 'instance' / 'meetings.sqlite'}"
        )
        # hide_parameters: a failed statement's values (names, emails, passports) stay out of
        # the exception's text, and so out of logs and tracebacks.
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "hide_parameters": True}
        #: Absolute base of every link the application sends out (emails, feeds).
        self.BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/")
        self.SECRETARIAT_NAME = os.environ.get("SECRETARIAT_NAME", "Khartoum Process Secretariat")
        #: The name in French (app.locale.setting_in_language); the English one when empty.
        self.SECRETARIAT_NAME_FR = os.environ.get(
            "SECRETARIAT_NAME_FR", "" if "SECRETARIAT_NAME" in os.environ else "Secrétariat du Processus de Khartoum"
        )
        self.SECRETARIAT_EMAIL = os.environ.get("SECRETARIAT_EMAIL", "secretariat@khartoumprocess.example")
        self.MAIL_SERVER = os.environ.get("MAIL_SERVER")
        self.MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
        self.MAIL_USE_TLS = _env_bool("MAIL_USE_TLS")
        self.MAIL_USE_SSL = _env_bool("MAIL_USE_SSL")
        self.MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
        self.MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
        self.MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", self.SECRETARIAT_EMAIL)
        # The outbox worker (app/mail/worker.py).
        #: Seconds a worker holds the messages it claimed; a dead worker's return to the queue after it.
        self.MAIL_CLAIM_SECONDS = float(os.environ.get("MAIL_CLAIM_SECONDS", "300"))
        self.MAIL_MAX_ATTEMPTS = int(os.environ.get("MAIL_MAX_ATTEMPTS", "10"))
        self.MAIL_RETRY_BASE_SECONDS = float(os.environ.get("MAIL_RETRY_BASE_SECONDS", "60"))
        self.MAIL_RETRY_MAX_SECONDS = float(os.environ.get("MAIL_RETRY_MAX_SECONDS", "7200"))
        self.MAIL_TIMEOUT_SECONDS = float(os.environ.get("MAIL_TIMEOUT_SECONDS", "30"))
        self.MAIL_BATCH_SIZE = int(os.environ.get("MAIL_BATCH_SIZE", "50"))
        #: Seconds the worker keeps reconnecting to record an outcome after the database went away.
        self.MAIL_DB_RETRY_SECONDS = float(os.environ.get("MAIL_DB_RETRY_SECONDS", "10"))
        # The job worker (app/jobs/worker.py).
        #: Seconds a worker holds a running job (renewed while it runs); a dead worker's job runs again after it.
        self.JOBS_CLAIM_SECONDS = float(os.environ.get("JOBS_CLAIM_SECONDS", "300"))
        #: Runs of a job whose worker died before it is given up.
        self.JOBS_MAX_ATTEMPTS = int(os.environ.get("JOBS_MAX_ATTEMPTS", "3"))
        #: Seconds a rendered public page may be served from the per-process cache.
        self.PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "30"))
        self.MAX_CONTENT_LENGTH = 32 * 1024 * 1024
        #: The largest document an organiser may upload (bytes); a request is refused past MAX_CONTENT_LENGTH.
        self.DOCUMENT_MAX_BYTES = int(os.environ.get("DOCUMENT_MAX_BYTES", str(20 * 1024 * 1024)))
        # Abuse limits (Flask-Limiter). In memory unless RATELIMIT_STORAGE_URI names a
        # shared store (redis://...); production refuses to start without one.
        self.RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
        #: A Redis outage falls back to per-process limits instead of failing requests.
        self.RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
        self.RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "meetings")
        #: Retry-After on a 429, and the X-RateLimit-* headers on limited views.
        self.RATELIMIT_HEADERS_ENABLED = True
        #: Per client address, on the registration, confirmation and manage POSTs.
        self.RATE_LIMIT_FORM_POSTS = os.environ.get("RATE_LIMIT_FORM_POSTS", "20 per minute; 200 per hour")
        #: The "your registration" email goes to one address for one meeting at most this often.
        self.REMINDER_EMAIL_SECONDS = int(os.environ.get("REMINDER_EMAIL_SECONDS", "300"))
        #: Days after a meeting ends that its manage links keep working.
        self.MANAGE_LINK_DAYS_AFTER_MEETING = int(os.environ.get("MANAGE_LINK_DAYS_AFTER_MEETING", "30"))
        # Organiser accounts (app/auth).
        #: Minutes without a request after which a back-office session ends (a working day).
        self.LOGIN_IDLE_MINUTES = int(os.environ.get("LOGIN_IDLE_MINUTES", "480"))
        self.PASSWORD_MIN_LENGTH = int(os.environ.get("PASSWORD_MIN_LENGTH", "12"))
        #: argon2id's cost: argon2-cffi's defaults (RFC 9106's low-memory profile, 64 MiB).
        self.ARGON2_TIME_COST = int(os.environ.get("ARGON2_TIME_COST", "3"))
        self.ARGON2_MEMORY_COST = int(os.environ.get("ARGON2_MEMORY_COST", "65536"))
        self.ARGON2_PARALLELISM = int(os.environ.get("ARGON2_PARALLELISM", "4"))
        #: Seconds a password-reset link works, and the first link a new account is sent.
        self.PASSWORD_RESET_SECONDS = int(os.environ.get("PASSWORD_RESET_SECONDS", "3600"))
        self.ACCOUNT_SETUP_SECONDS = int(os.environ.get("ACCOUNT_SETUP_SECONDS", str(7 * 86400)))
        #: An account is sent a password link at most this often, however often it is asked for.
        self.RESET_EMAIL_SECONDS = int(os.environ.get("RESET_EMAIL_SECONDS", "300"))
        #: Sign-in attempts per client address (every attempt counts).
        self.RATE_LIMIT_LOGIN_ADDRESS = os.environ.get("RATE_LIMIT_LOGIN_ADDRESS", "30 per minute; 300 per hour")
        #: Failed sign-ins per account from one address.
        self.RATE_LIMIT_LOGIN_ACCOUNT_ADDRESS = os.environ.get(
            "RATE_LIMIT_LOGIN_ACCOUNT_ADDRESS", "5 per minute; 20 per hour"
        )
        #: Failed sign-ins per account from every address together: far above what one address
        #: may try, so it bites only when many addresses try one account.
        self.RATE_LIMIT_LOGIN_ACCOUNT = os.environ.get("RATE_LIMIT_LOGIN_ACCOUNT", "50 per minute; 500 per hour")
        #: Password-reset requests, and new passwords set from a link, per client address.
        self.RATE_LIMIT_RESET_ADDRESS = os.environ.get("RATE_LIMIT_RESET_ADDRESS", "5 per minute; 30 per hour")
        # Security (app/security.py).
        #: Proxies in front that set X-Forwarded-For/-Proto/-Host/-Port (werkzeug's ProxyFix); 0: none.
        self.PROXY_HOPS = int(os.environ.get("PROXY_HOPS", "0"))
        #: Host names the app answers to; None answers any (links never use the Host header).
        self.TRUSTED_HOSTS = None
        #: Seconds of Strict-Transport-Security sent on HTTPS responses; 0 sends none.
        self.HSTS_SECONDS = 0
        #: Answer only clients on this computer (the development key is public).
        self.LOOPBACK_ONLY = False
        #: Development-only routes (an outbox viewer, say) exist only when this is set.
        self.ENABLE_DEV_ROUTES = _env_bool("ENABLE_DEV_ROUTES")
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = False

    def hosts(self, *names):
        """``names``, BASE_URL's host and those listed in TRUSTED_HOSTS (comma-separated)."""
        candidates = (*names, urlsplit(self.BASE_URL).hostname, *_env_list("TRUSTED_HOSTS"))
        return list(dict.fromkeys(name for name in candidates if name))

    def validate(self):
        """Raise if the configuration cannot run; called by ``create_app``."""


class DevelopmentConfig(Config):
    def __init__(self):
        super().__init__()
        # A throw-away key so `make run` works with nothing set. It is public, so with it
        # the app answers only this computer, addressed by a loopback name.
        if not self.SECRET_KEY:
            self.SECRET_KEY = DEVELOPMENT_KEY
            self.LOOPBACK_ONLY = True
        self.TRUSTED_HOSTS = self.hosts("localhost", "127.0.0.1")


class TestingConfig(Config):
    def __init__(self):
        super().__init__()
        self.TESTING = True
        self.SECRET_KEY = "testing-only-not-secret"
        self.SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
        self.WTF_CSRF_ENABLED = False
        self.PAGE_CACHE_SECONDS = 0
        self.BASE_URL = "http://meetings.test"
        # Every test client comes from one address; the limits' own tests turn them on.
        self.RATELIMIT_ENABLED = False
        self.REMINDER_EMAIL_SECONDS = 0
        self.RESET_EMAIL_SECONDS = 0
        # Cheap hashes: the tests sign in hundreds of times (argon2's minimum memory is 8 KiB a lane).
        self.ARGON2_TIME_COST, self.ARGON2_MEMORY_COST, self.ARGON2_PARALLELISM = 1, 8, 1


class ProductionConfig(Config):
    def __init__(self):
        super().__init__()
        # The recipe puts nginx in front (deploy/nginx.conf): one hop, unless told otherwise.
        self.PROXY_HOPS = int(os.environ.get("PROXY_HOPS", "1"))
        self.TRUSTED_HOSTS = self.hosts()
        self.HSTS_SECONDS = 365 * 24 * 3600
        self.SESSION_COOKIE_SECURE = True

    def validate(self):
        if not self.SECRET_KEY or len(self.SECRET_KEY) < 32:
            raise RuntimeError("SECRET_KEY must be set to a random value of at least 32 characters")
        if not os.environ.get("DATABASE_URL"):
            raise RuntimeError("DATABASE_URL must be set in production")
        if not self.RATELIMIT_STORAGE_URI.startswith(("redis://", "rediss://", "redis+sentinel://")):
            raise RuntimeError(
                "RATELIMIT_STORAGE_URI must name a Redis server in production (in-memory limits are per worker)"
            )
        if self.ENABLE_DEV_ROUTES:
            raise RuntimeError("ENABLE_DEV_ROUTES must not be set in production")


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def load_config(name=None):
    """The configuration ``name`` (or FLASK_CONFIG) names: never a default, so that a
    production server started without it does not run on the public development key."""
    name = name or os.environ.get("FLASK_CONFIG")
    if not name:
        raise RuntimeError(f"FLASK_CONFIG must be set to one of {', '.join(CONFIGS)} (`make run` sets development)")
    try:
        config = CONFIGS[name]()
    except KeyError:
        raise RuntimeError(f"unknown FLASK_CONFIG {name!r}; use one of {', '.join(CONFIGS)}") from None
    config.validate()
    return config
