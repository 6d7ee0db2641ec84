from django.apps import AppConfig


class WilayahConfig(AppConfig):
    name = "tuntas.wilayah"
    label = "wilayah"
    verbose_name = "Wilayah"

    def ready(self) -> None:
        # the formatter in core (which imports no app) learns the zones' abbreviations here
        from tuntas.core.formatting import zone_abbreviations_register
        from tuntas.wilayah.zona import zone_names

        zone_abbreviations_register(zone_names())
