from django.apps import AppConfig


class PerencanaanConfig(AppConfig):
    name = "tuntas.perencanaan"
    label = "perencanaan"
    verbose_name = "Kebutuhan, biaya dan rencana"

    def ready(self) -> None:
        # the quarterly entry's pagu and realisasi come from the budget lines where a JPD-year
        # has any: pendataan asks through its own interface (tuntas.pendataan.locks)
        from tuntas.pendataan.locks import budget_provider_register
        from tuntas.perencanaan.budget import entry_budget_for

        budget_provider_register(entry_budget_for)
