from django.apps import AppConfig


class PerencanaanConfig(AppConfig):
    name = "tuntas.perencanaan"
    label = "perencanaan"
    verbose_name = "Kebutuhan, biaya dan rencana"
