from django.apps import AppConfig


class AlurConfig(AppConfig):
    name = "tuntas.alur"
    label = "alur"
    verbose_name = "Alur persetujuan"

    def ready(self) -> None:
        # pendataan asks for locks and for what to show on its entry page through its own
        # interfaces (tuntas.pendataan.locks); the workflow answers them
        from tuntas.alur import locks, selectors
        from tuntas.pendataan.locks import entry_notes_register

        locks.connect()
        entry_notes_register(selectors.entry_notes_for)
