from django.apps import AppConfig


class WilayahConfig(AppConfig):
    name = "tuntas.wilayah"
    label = "wilayah"
    verbose_name = "Wilayah"
