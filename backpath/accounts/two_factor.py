"""Two-step login (TOTP with recovery codes, django-otp): who needs it, enrolment, checking.

Clinicians and clinic admins need a second step when their clinic requires it (the clinic
setting, on by default; ASVS 2.2); a patient may turn it on. Anyone with a confirmed
authenticator is asked for a code at every login. The codes are checked by django-otp,
which slows down repeated wrong codes per device (throttling).
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from urllib.parse import urlencode

import segno
from django.db import transaction
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django_otp import devices_for_user, user_has_device
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from backpath.accounts.models import User

RECOVERY_CODES = 10
# Set in the session once the second step is done or not needed (login starts a new one).
SESSION_KEY = "backpath_second_step"
# Pages a logged-in user still needs before the second step: the step itself, logging out.
OPEN_BEFORE_SECOND_STEP = frozenset(
    {"two_factor_verify", "two_factor_setup", "logout", "set_language"}
)


def required_by_clinic(user: User) -> bool:
    return bool(user.is_clinician and user.clinic and user.clinic.require_staff_2fa)


def enrolled(user: User) -> bool:
    return bool(user_has_device(user, confirmed=True))


def needs_second_step(user: User) -> bool:
    return required_by_clinic(user) or enrolled(user)


def pending_authenticator(user: User) -> TOTPDevice:
    """The authenticator being set up (unconfirmed), made on first ask."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def qr_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// link as an SVG QR code in a data: URI (the page's CSP allows data:)."""
    out = io.BytesIO()
    segno.make(device.config_url, error="m").save(out, kind="svg", scale=5, border=2)
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode()


def secret_text(device: TOTPDevice) -> str:
    """The key to type in by hand, in groups of four."""
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def confirm(request: HttpRequest, user: User, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the authenticator with a first code; returns new recovery codes, or None."""
    if not device.verify_token(code.replace(" ", "")):
        return None
    with transaction.atomic():
        # One authenticator per account: setting up a new one replaces the old.
        for old in devices_for_user(user, confirmed=True):
            old.delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = new_recovery_codes(user)
    otp_login(request, device)
    request.session[SESSION_KEY] = True
    return codes


def new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name="recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=code) for code in codes])
    return codes


def verify(request: HttpRequest, user: User, code: str) -> bool:
    """A code from the authenticator or an unused recovery code (each works once)."""
    code = code.replace(" ", "").lower()
    with transaction.atomic():  # the devices are locked while checked: a code works once
        for device in devices_for_user(user, confirmed=True, for_verify=True):
            if device.verify_token(code):
                otp_login(request, device)
                request.session[SESSION_KEY] = True
                return True
    return False


def turn_off(user: User) -> None:
    for device in devices_for_user(user, confirmed=None):
        device.delete()


def forget_second_step(sender: object, request: HttpRequest | None, **kwargs: object) -> None:
    """A new login asks for the second step again (the session's data survives a login)."""
    if request is not None and hasattr(request, "session"):
        request.session.pop(SESSION_KEY, None)


def second_step(
    get_response: Callable[[HttpRequest], HttpResponseBase],
) -> Callable[[HttpRequest], HttpResponseBase]:
    """Middleware: a logged-in user who needs the second step reaches no other page first."""

    def middleware(request: HttpRequest) -> HttpResponseBase:
        user = request.user
        if not isinstance(user, User) or request.session.get(SESSION_KEY):
            return get_response(request)
        # is_verified() is installed by django-otp's OTPMiddleware.
        if not needs_second_step(user) or user.is_verified():  # type: ignore[attr-defined]
            request.session[SESSION_KEY] = True  # asked once per session, not per page
            return get_response(request)
        try:
            page = resolve(request.path_info).url_name
        except Resolver404:
            page = None
        if page in OPEN_BEFORE_SECOND_STEP:
            return get_response(request)
        name = "two_factor_verify" if enrolled(user) else "two_factor_setup"
        return redirect(reverse(name) + "?" + urlencode({"next": request.path}))

    return middleware
