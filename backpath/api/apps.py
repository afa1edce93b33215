from django.apps import AppConfig


class ApiConfig(AppConfig):
    # The API speaks English (its texts are not in the Dutch catalogue); ?lang= chooses the
    # language of the clinical content it returns.
    name = "backpath.api"
    label = "api"
    verbose_name = "API"
    default_auto_field = "django.db.models.BigAutoField"
