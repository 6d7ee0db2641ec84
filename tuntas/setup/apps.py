from django.apps import AppConfig


class SetupConfig(AppConfig):
    """Commands that prepare a whole installation (``init``, ``demo``): the one app allowed to
    import every other, so that no domain app has to know the others."""

    name = "tuntas.setup"
    label = "setup"
    verbose_name = "Penyiapan"
