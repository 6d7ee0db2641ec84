"""Test settings shared by the whole suite."""

from hypothesis import settings

settings.register_profile("default", deadline=None, max_examples=200)
settings.load_profile("default")


def pytest_report_header(config):
    from django.conf import settings as django_settings

    db = django_settings.DATABASES["default"]
    return f"database: {db['ENGINE'].rsplit('.', 1)[-1]} {db.get('HOST') or ''}".rstrip()
