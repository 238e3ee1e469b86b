import pytest


@pytest.fixture
def config_overrides(smtp):
    """Every mail test runs against the real SMTP sink."""
    return smtp.config
