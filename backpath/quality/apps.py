from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "backpath.quality"
    label = "quality"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Writes to the records the figures summarise mark the episode's summary stale.
        from backpath.quality import signals

        signals.connect()
