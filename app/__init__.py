"""The meeting registration system: the application factory."""

from pathlib import Path

from flask import Flask

# The extensions through their module: importing the app.db and app.mail modules rebinds
# the package's ``db`` and ``mail`` names.
from app import extensions, locale, security


def create_app(config=None):
    """Build the application; ``config`` is a config object or a FLASK_CONFIG name."""
    from config import load_config

    app = Flask(__name__, template_folder="../templates", static_folder="../static", instance_relative_config=True)
    app.config.from_object(config if config is not None and not isinstance(config, str) else load_config(config))

    security.init_app(app)  # first: what the app believes of a request, before any extension looks
    extensions.db.init_app(app)
    extensions.migrate.init_app(app, extensions.db, directory=str(app.root_path + "/../migrations"))
    extensions.mail.init_app(app)
    extensions.csrf.init_app(app)
    limiter = extensions.make_limiter(app)
    extensions.page_cache.init_app(app, config={"CACHE_TYPE": "SimpleCache", "CACHE_THRESHOLD": 2000})
    extensions.babel.init_app(
        app,
        locale_selector=locale.interface_locale,
        # Flask-Babel pairs the n-th domain with the n-th directory: the one directory is
        # named once per domain, or only the first domain's catalogue would be loaded.
        default_translation_directories=";".join(
            [str(Path(app.root_path) / "translations")] * len(locale.TRANSLATION_DOMAINS)
        ),
        default_domain=";".join(locale.TRANSLATION_DOMAINS),
    )

    from app import models  # noqa: F401  (every table, for migrations)
    from app.api.views import bp as api_bp
    from app.auth import access as auth_access
    from app.auth import sessions as auth_sessions
    from app.auth.views import bp as auth_bp
    from app.auth.views import limit_sign_in
    from app.calendar.views import bp as calendar_bp
    from app.errors import register_error_handlers
    from app.mail import viewer as outbox_viewer
    from app.manage import accounts, cancel, documents, meetings, programme  # noqa: F401  (their routes, on manage's blueprint)
    from app.manage.views import bp as manage_bp
    from app.meetings.views import bp as meetings_bp
    from app.registration.privacy import bp as privacy_bp
    from app.registration.views import bp as registration_bp
    from app.registration.views import limit_form_posts
    from app.site import bp as site_bp
    from app.templating import register_template_helpers
    from app.urls import absolute_url

    app.register_blueprint(meetings_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(calendar_bp)
    app.register_blueprint(registration_bp)
    app.register_blueprint(site_bp)  # /favicon.ico
    app.register_blueprint(privacy_bp)
    app.register_blueprint(auth_bp)  # /manage/login, the password pages
    app.register_blueprint(manage_bp)  # the rest of /manage/
    auth_sessions.init_app(app)
    limit_sign_in(limiter, app)
    outbox_viewer.init_app(app)  # only with ENABLE_DEV_ROUTES
    locale.init_app(app)  # the language switch, and links that keep ?lang=
    limit_form_posts(limiter)
    extensions.csrf.exempt(api_bp)
    register_error_handlers(app)
    register_template_helpers(app)
    app.add_template_global(absolute_url)

    from app.cli import register_commands

    register_commands(app)
    auth_access.check_routes(app)  # no /manage/ view left open by mistake
    return app
