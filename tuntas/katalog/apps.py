from django.apps import AppConfig


class KatalogConfig(AppConfig):
    name = "tuntas.katalog"
    label = "katalog"
    verbose_name = "Katalog SPM"
