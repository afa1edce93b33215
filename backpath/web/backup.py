"""Backup and restore of the whole database: SQLite through its online backup API (safe while
the app runs), PostgreSQL through pg_dump and pg_restore (the custom format); and of the
uploaded files (the clinic's exercise photos and videos, ``MEDIA_ROOT``) as a tar beside the
database's file (``files_archive``), restored with it."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tarfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

# The uploaded files' folder inside the tar.
FILES = "files"


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


def files_archive(database_file: Path) -> Path:
    """Where the uploaded files of a backup are: ``<FILE>.files.tar`` beside it."""
    return database_file.with_name(database_file.name + ".files.tar")


def backup(target: Path) -> None:
    """The database to ``target``, then the uploaded files to ``files_archive(target)``
    (a file uploaded meanwhile may be missing from it; none that the database names is
    deleted before the next backup, since a replaced file goes only after its commit)."""
    if target.exists():
        raise BackupError(f"{target} exists already; choose a new file")
    if files_archive(target).exists():
        raise BackupError(f"{files_archive(target)} exists already; choose a new file")
    _backup_database(target)
    media = Path(settings.MEDIA_ROOT)
    with tarfile.open(files_archive(target), "w") as tar:
        if media.is_dir():
            tar.add(media, arcname=FILES)


def _backup_database(target: Path) -> None:
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


def restore(source: Path) -> bool:
    """Replace the whole database with the backup (the app must not be serving meanwhile),
    and the uploaded files with the backup's when it has them (True; a backup from before
    uploads existed has none, and the files now there stay)."""
    if not source.is_file():
        raise BackupError(f"{source}: no such file")
    archive = files_archive(source)
    if archive.is_file():
        _readable(archive)  # before the database is replaced: all or nothing is restored
    _restore_database(source)
    return _restore_files(archive)


def _readable(archive: Path) -> None:
    try:
        with tarfile.open(archive) as tar:
            tar.getmembers()
    except (tarfile.TarError, OSError) as error:
        raise BackupError(f"{archive} is not a backup of the files ({error})") from None


def _restore_files(archive: Path) -> bool:
    if not archive.is_file():
        return False
    media = Path(settings.MEDIA_ROOT)
    staging = media.with_name(media.name + ".restoring")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        with tarfile.open(archive) as tar:
            # The "data" filter refuses links out of the folder, absolute paths and devices.
            tar.extractall(staging, filter="data")
    except (tarfile.TarError, OSError) as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise BackupError(f"{archive} is not a backup of the files ({error})") from None
    # Swap whole folders: the files are either all the old ones or all the backup's.
    replaced = media.with_name(media.name + ".replaced")
    shutil.rmtree(replaced, ignore_errors=True)
    if media.exists():
        media.rename(replaced)
    restored = staging / FILES
    if restored.is_dir():
        restored.rename(media)
    else:
        media.mkdir(parents=True)
    shutil.rmtree(staging, ignore_errors=True)
    shutil.rmtree(replaced, ignore_errors=True)
    return True


def _restore_database(source: Path) -> None:
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
