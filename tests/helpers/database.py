"""The test database: its configuration and a few direct readers."""

from sqlalchemy import create_engine, inspect, text

from app.extensions import db
from config import TestingConfig


def make_config(database_url, **overrides):
    config = TestingConfig()
    config.SQLALCHEMY_DATABASE_URI = database_url
    for key, value in overrides.items():
        setattr(config, key, value)
    return config


def table_names(url):
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def is_postgres(url):
    return url.startswith("postgresql")


def scalar(sql):
    return db.session.execute(text(sql)).scalar()
