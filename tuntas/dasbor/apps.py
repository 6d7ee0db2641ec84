from django.apps import AppConfig


class DasborConfig(AppConfig):
    name = "tuntas.dasbor"
    label = "dasbor"
    verbose_name = "Dasbor"
