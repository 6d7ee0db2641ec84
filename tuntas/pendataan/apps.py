from django.apps import AppConfig


class PendataanConfig(AppConfig):
    name = "tuntas.pendataan"
    label = "pendataan"
    verbose_name = "Pendataan capaian"
