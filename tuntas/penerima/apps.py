from django.apps import AppConfig


class PenerimaConfig(AppConfig):
    name = "tuntas.penerima"
    label = "penerima"
    verbose_name = "Penerima by name"
