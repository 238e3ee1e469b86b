"""Unbound extensions, attached to the application in ``create_app``."""

import sqlite3

from flask_babel import Babel
from flask_caching import Cache
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mail import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
mail = Mail()
csrf = CSRFProtect()
#: Per-process cache of rendered public pages, keyed by the catalogue version.
page_cache = Cache()
#: Translations (app/translations); the language is app.locale's choice.
babel = Babel()
#: Organiser sessions (app.auth.sessions).
login_manager = LoginManager()


def make_limiter(app) -> Limiter:
    """Abuse limits per client address (behind the proxy, ProxyFix makes it the client's),
    from the RATELIMIT_* settings.

    One Limiter per application, not one unbound instance: Flask-Limiter keeps the first
    application's settings (key prefix, headers, fallback) on the instance, so a second
    application would count under the first one's.
    """
    limiter = Limiter(get_remote_address, app=app)
    # Held by the application: Flask-Limiter keeps only weak references to it, and none at
    # all when RATELIMIT_ENABLED is off, yet the views it decorated still consult it.
    app.extensions["meetings.limiter"] = limiter
    # Only form posts are limited: reading a page costs the limiter nothing at all.
    limiter.request_filter(_reads)
    return limiter


def _reads() -> bool:
    from flask import request

    return request.method in ("GET", "HEAD", "OPTIONS")


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """SQLite enforces foreign keys (ON DELETE CASCADE) only when asked, per connection."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA busy_timeout = 30000")
        cursor.close()
