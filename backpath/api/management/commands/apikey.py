"""``backpath apikey create|list|revoke``: the operator's API keys.

``create`` prints the key once, alone on standard output (so ``KEY=$(backpath apikey create
...)`` works); what it made goes to standard error. ``list`` never shows a key, only its
prefix. Bad input: one line on standard error, exit code 2.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from backpath.accounts.clinics import NoSuchClinic, clinic_named
from backpath.accounts.models import Clinic
from backpath.api.models import PREFIX_LENGTH, ApiKey, Scope
from backpath.api.services import BadKeyInput, create_key, revoke_key

BAD_INPUT = 2


def _bad(message: str) -> CommandError:
    return CommandError(message, returncode=BAD_INPUT)


def _clinic(name: str) -> Clinic:
    """A clinic by its name (any case) or its id."""
    try:
        return clinic_named(name)
    except NoSuchClinic as unknown:
        raise _bad(str(unknown)) from None


def _when(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "-"


class Command(BaseCommand):
    help = "Create, list or revoke the API keys of a clinic."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        create = actions.add_parser("create", help="make a key and print it (once)")
        create.add_argument("--clinic", required=True, help="the clinic's name or id")
        create.add_argument("--name", required=True, help="what the key is for, e.g. 'EHR sync'")
        create.add_argument(
            "--scopes",
            required=True,
            help=f"comma-separated: {', '.join(scope.value for scope in Scope)}",
        )
        create.add_argument("--expires-days", type=int, help="the key expires after D days")
        listing = actions.add_parser("list", help="the keys (prefix, never the key)")
        listing.add_argument("--clinic", help="only this clinic's keys (name or id)")
        revoke = actions.add_parser("revoke", help="revoke a key by its prefix")
        revoke.add_argument("prefix", help=f"the key's {PREFIX_LENGTH}-character prefix")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            self._create(options)
        elif action == "list":
            self._list(options.get("clinic"))
        else:
            self._revoke(options["prefix"])

    def _create(self, options: dict[str, Any]) -> None:
        clinic = _clinic(options["clinic"])
        try:
            made = create_key(
                clinic=clinic,
                name=options["name"],
                scopes=options["scopes"].split(","),
                expires_days=options["expires_days"],
            )
        except BadKeyInput as error:
            option = "--" + error.field.replace("_", "-")
            raise _bad(f"{option}: {error.problem}") from None
        key = made.api_key
        expires = f"expires {_when(key.expires_at)}" if key.expires_at else "does not expire"
        self.stderr.write(
            f"API key {key.prefix} for {clinic.name} ({key.name}): {', '.join(key.scopes)}; "
            f"{expires}. It is shown only now: store it where the system that uses it "
            "keeps secrets.",
            style_func=lambda text: text,
        )
        self.stdout.write(made.key)

    def _list(self, clinic_name: str | None) -> None:
        keys = ApiKey.objects.select_related("clinic").order_by("clinic__name", "created_at")
        if clinic_name is not None:
            keys = keys.filter(clinic=_clinic(clinic_name))
        rows = [
            (
                key.prefix,
                key.clinic.name,
                key.name,
                ",".join(key.scopes),
                _when(key.created_at),
                _when(key.expires_at),
                _when(key.revoked_at),
                _when(key.last_used_at),
            )
            for key in keys
        ]
        if not rows:
            self.stdout.write("no API keys")
            return
        header = ("prefix", "clinic", "name", "scopes", "created", "expires", "revoked", "used")
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
        for row in [header, *rows]:
            line = "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True))
            self.stdout.write(line.rstrip())

    def _revoke(self, prefix: str) -> None:
        key = ApiKey.objects.select_related("clinic").filter(prefix=prefix.strip()).first()
        if key is None:
            raise _bad(f"no API key with the prefix {prefix!r}; `backpath apikey list` shows them")
        if revoke_key(key):
            self.stdout.write(f"revoked API key {key.prefix} ({key.name}) of {key.clinic.name}")
        else:
            self.stdout.write(
                f"API key {key.prefix} was already revoked on {_when(key.revoked_at)}"
            )
