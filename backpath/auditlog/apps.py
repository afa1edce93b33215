from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditLogConfig(AppConfig):
    name = "backpath.auditlog"
    label = "auditlog"
    verbose_name = _("Access log")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from backpath.auditlog import receivers  # noqa: F401  (connects the login signals)
