from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "backpath.accounts"
    label = "accounts"
    verbose_name = _("Clinics and accounts")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from backpath.accounts.two_factor import forget_second_step

        user_logged_in.connect(forget_second_step, dispatch_uid="backpath_second_step")
