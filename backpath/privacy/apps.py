from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "backpath.privacy"
    label = "privacy"
    verbose_name = _("Data rights")
    default_auto_field = "django.db.models.BigAutoField"
