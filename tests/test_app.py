import pytest
from sqlalchemy import func, select

from app import create_app
from app.extensions import db
from app.meetings.models import Meeting
from config import load_config


def test_production_refuses_to_start_without_a_real_secret_key(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1/test")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production")
    monkeypatch.setenv("SECRET_KEY", "short")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        load_config("production")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")
    assert load_config("production").SECRET_KEY == "x" * 40


def test_production_refuses_per_worker_rate_limits(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1/test")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.delenv("RATELIMIT_STORAGE_URI", raising=False)
    with pytest.raises(RuntimeError, match="RATELIMIT_STORAGE_URI"):
        load_config("production")
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "memory://")
    with pytest.raises(RuntimeError, match="RATELIMIT_STORAGE_URI"):
        load_config("production")


def test_an_unknown_configuration_name_is_refused():
    with pytest.raises(RuntimeError, match="FLASK_CONFIG"):
        load_config("staging")


def test_the_demo_loads_once_into_an_empty_database(runner, client):
    result = runner.invoke(args=["demo", "load"])
    assert "Loaded 17 demo meetings" in result.output
    assert "nothing loaded" in runner.invoke(args=["demo", "load"]).output
    assert db.session.scalar(select(func.count(Meeting.id))) == 17
    home = client.get("/").text
    assert "Thematic Meeting on Trafficking in Human Beings" in home
    archive = client.get("/meetings/archive?year=2016").text
    assert "1st Thematic Meeting on People Smuggling" in archive
