from django.apps import AppConfig


class AlurConfig(AppConfig):
    name = "tuntas.alur"
    label = "alur"
    verbose_name = "Alur persetujuan"

    def ready(self) -> None:
        # pendataan asks for locks through its own interface; the workflow answers it
        from tuntas.alur import locks

        locks.connect()
