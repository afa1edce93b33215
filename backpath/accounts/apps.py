from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "backpath.accounts"
    label = "accounts"
    verbose_name = _("Clinics and accounts")
