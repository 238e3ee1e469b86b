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


def test_no_configuration_is_chosen_by_default(monkeypatch):
    monkeypatch.delenv("FLASK_CONFIG", raising=False)
    with pytest.raises(RuntimeError, match="FLASK_CONFIG must be set"):
        load_config()
    with pytest.raises(RuntimeError, match="FLASK_CONFIG must be set"):
        create_app()


def _production_environment(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1/test")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("BASE_URL", "https://meetings.example.org")
    for name in ("PROXY_HOPS", "TRUSTED_HOSTS", "ENABLE_DEV_ROUTES"):
        monkeypatch.delenv(name, raising=False)


def test_production_trusts_one_proxy_and_its_own_host_and_sends_hsts(monkeypatch):
    _production_environment(monkeypatch)
    config = load_config("production")
    assert config.PROXY_HOPS == 1
    assert config.TRUSTED_HOSTS == ["meetings.example.org"]
    assert config.HSTS_SECONDS >= 180 * 24 * 3600
    assert (config.SESSION_COOKIE_SECURE, config.SESSION_COOKIE_HTTPONLY, config.SESSION_COOKIE_SAMESITE) == (
        True,
        True,
        "Lax",
    )
    monkeypatch.setenv("PROXY_HOPS", "0")
    monkeypatch.setenv("TRUSTED_HOSTS", "meetings.example.net, .internal.example")
    config = load_config("production")
    assert config.PROXY_HOPS == 0
    assert config.TRUSTED_HOSTS == ["meetings.example.org", "meetings.example.net", ".internal.example"]


def test_outside_production_no_proxy_is_trusted_and_no_hsts_sent(monkeypatch):
    monkeypatch.delenv("PROXY_HOPS", raising=False)
    for name in ("development", "testing"):
        config = load_config(name)
        assert config.PROXY_HOPS == 0 and config.HSTS_SECONDS == 0, name
        assert config.SESSION_COOKIE_SECURE is False and config.SESSION_COOKIE_SAMESITE == "Lax", name


def test_development_routes_exist_only_when_asked_for_and_never_in_production(monkeypatch):
    _production_environment(monkeypatch)
    for name in ("development", "testing", "production"):
        assert load_config(name).ENABLE_DEV_ROUTES is False, name
    monkeypatch.setenv("ENABLE_DEV_ROUTES", "1")
    assert load_config("development").ENABLE_DEV_ROUTES is True
    with pytest.raises(RuntimeError, match="ENABLE_DEV_ROUTES"):
        load_config("production")
