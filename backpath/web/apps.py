from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "backpath.web"
    label = "web"

    def ready(self) -> None:
        from backpath.web import checks  # noqa: F401  (registers the deploy checks)
