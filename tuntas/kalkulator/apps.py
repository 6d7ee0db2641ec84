from django.apps import AppConfig


class KalkulatorConfig(AppConfig):
    """The stateless calculator ``tuntas hitung``: a file of one region's figures in, the
    engine's result out, with the catalog's names (no database)."""

    name = "tuntas.kalkulator"
    label = "kalkulator"
    verbose_name = "Kalkulator"
