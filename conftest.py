"""Test settings shared by the whole suite."""

import pytest
from hypothesis import settings

settings.register_profile("default", deadline=None, max_examples=200)
settings.load_profile("default")


def pytest_configure(config):
    """Static files in tests come straight from the apps (no collectstatic, no manifest); the
    production storage is tested by tuntas/setup/tests/test_produksi.py in a real process."""
    from django.conf import settings as django_settings

    django_settings.STORAGES = {
        **django_settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    django_settings.WHITENOISE_USE_FINDERS = True
    django_settings.WHITENOISE_AUTOREFRESH = True


def pytest_report_header(config):
    from django.conf import settings as django_settings

    db = django_settings.DATABASES["default"]
    return f"database: {db['ENGINE'].rsplit('.', 1)[-1]} {db.get('HOST') or ''}".rstrip()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test database starts with the SPM catalog and the few regions personas need."""
    from tuntas.katalog.reference import get_catalog
    from tuntas.katalog.services import catalog_sync
    from tuntas.testing import ensure_test_regions

    with django_db_blocker.unblock():
        catalog_sync(catalog=get_catalog())
        ensure_test_regions()
