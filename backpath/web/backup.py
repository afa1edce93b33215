"""Backup and restore of the whole database: SQLite through its online backup API (safe while
the app runs), PostgreSQL through pg_dump and pg_restore (the custom format)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.db import connection


class BackupError(Exception):
    """Said to the operator as it is: what failed and why."""


def _pg_command(program: str) -> tuple[list[str], dict[str, str]]:
    """The connection options of a PostgreSQL program, and an environment with the password
    (never on the command line, where other users of the machine could read it)."""
    settings: dict[str, Any] = connection.settings_dict
    args = [program, "--no-password", "--dbname", str(settings["NAME"])]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings.get(key):
            args += [option, str(settings[key])]
    env = dict(os.environ)
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings["PASSWORD"])
    return args, env


def _run(args: list[str], env: dict[str, str]) -> None:
    try:
        done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise BackupError(f"{args[0]} is not installed (PostgreSQL's client programs)") from None
    if done.returncode != 0:
        raise BackupError(f"{args[0]} failed: {done.stderr.strip()[:500]}")


def backup(target: Path) -> None:
    if target.exists():
        raise BackupError(f"{target} exists already; choose a new file")
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        live = connection.connection
        with sqlite3.connect(target) as copy:
            live.backup(copy)
        copy.close()
    elif connection.vendor == "postgresql":
        args, env = _pg_command("pg_dump")
        _run([*args, "--format", "custom", "--file", str(target)], env)
    else:
        raise BackupError(f"no backup for a {connection.vendor} database")


def restore(source: Path) -> None:
    """Replace the whole database with the backup (the app must not be serving meanwhile)."""
    if not source.is_file():
        raise BackupError(f"{source}: no such file")
    if connection.vendor == "sqlite":
        try:
            with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as copy:
                copy.execute("PRAGMA schema_version").fetchone()
                connection.ensure_connection()
                copy.backup(connection.connection)
            copy.close()
        except sqlite3.DatabaseError as error:
            raise BackupError(f"{source} is not a SQLite backup ({error})") from None
    elif connection.vendor == "postgresql":
        args, env = _pg_command("pg_restore")
        connection.close()
        _run(
            [*args, "--clean", "--if-exists", "--no-owner", "--single-transaction", str(source)],
            env,
        )
    else:
        raise BackupError(f"no restore for a {connection.vendor} database")
