"""Backups of the whole archive in one file: the database's own dump and the media, in a tar.

The database is dumped by its engine's tool (pg_dump's custom format, or SQLite's online
backup API) and restored the same way, in one transaction (pg_restore --single-transaction,
or SQLite's backup into the live database in one step). The tar adds only the media
directory and a manifest with each file's SHA-256, so a damaged or foreign file is refused
before anything is touched.
"""

import datetime
import hashlib
import json
import lzma
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from pathlib import Path

from django.conf import settings
from django.db import connections

FORMAT = "publication-archive-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE_FILES = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}


class BackupError(Exception):
    """A backup that cannot be made or restored; the message says why and what to do."""


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _pg_environment(connection):
    """libpq's variables for pg_dump/pg_restore: no password on a command line."""
    params = connection.get_connection_params()
    mapping = {"host": "PGHOST", "port": "PGPORT", "user": "PGUSER", "password": "PGPASSWORD"}
    env = {**os.environ, "PGDATABASE": params["dbname"]}
    env.update({var: str(params[key]) for key, var in mapping.items() if params.get(key)})
    return env


def _run(command, env=None):
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError as error:
        raise BackupError(f"{command[0]} is not installed (PostgreSQL's client tools).") from error
    if result.returncode:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[-2000:]}")
    return result.stdout


def _dump_database(connection, target):
    if connection.vendor == "postgresql":
        _run(
            ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", target],
            env=_pg_environment(connection),
        )
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)
        copy.close()
    else:
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {connection.vendor}.")


def create_backup(path, using="default"):
    """Write the database and media to `path` (a .tar.gz), replacing it only when complete."""
    connection = connections[using]
    path = Path(path)
    with tempfile.TemporaryDirectory(dir=path.parent) as workdir:
        database_file = Path(workdir, DATABASE_FILES.get(connection.vendor, "database"))
        _dump_database(connection, database_file)
        media = Path(settings.MEDIA_ROOT)
        partial = Path(workdir, "backup.partial")
        files = {database_file.name: _sha256(database_file)}
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(database_file, arcname=database_file.name)
            if media.is_dir():
                for item in sorted(media.rglob("*")):
                    if item.is_file():
                        name = f"media/{item.relative_to(media).as_posix()}"
                        files[name] = _sha256(item)
                        archive.add(item, arcname=name)
            manifest = Path(workdir, MANIFEST)
            manifest.write_text(json.dumps(_manifest(connection, files), indent=2))
            archive.add(manifest, arcname=MANIFEST)
        os.replace(partial, path)
    return files


def _manifest(connection, files):
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "engine": connection.vendor,
        "created": datetime.datetime.now(datetime.UTC).isoformat(),
        "files": files,
    }


def read_backup(path, workdir, using="default"):
    """Unpack and check `path` into `workdir`; raise BackupError before anything changes."""
    try:
        with tarfile.open(path, "r:*") as archive:
            archive.extractall(workdir, filter="data")
    except (OSError, tarfile.TarError, EOFError, zlib.error, lzma.LZMAError) as error:
        raise BackupError(f"{path} is not a readable backup archive: refused.") from error
    try:
        manifest = json.loads(Path(workdir, MANIFEST).read_text())
        files = dict(manifest["files"])
        foreign = manifest["format"] != FORMAT
    except (OSError, ValueError, KeyError, TypeError) as error:
        foreign = error
    if foreign:
        raise BackupError(f"{path} is not a backup made by `manage.py backup`: refused.")
    if manifest.get("version") != FORMAT_VERSION:
        raise BackupError(
            f"{path} is backup format {manifest.get('version')}, not {FORMAT_VERSION}."
        )
    vendor = connections[using].vendor
    if manifest.get("engine") != vendor:
        raise BackupError(
            f"{path} holds a {manifest.get('engine')} database; this site runs on {vendor}. "
            "Restore it on the same engine (dumpdata/loaddata moves data between engines)."
        )
    present = {
        p.relative_to(workdir).as_posix() for p in Path(workdir).rglob("*") if p.is_file()
    } - {MANIFEST}
    if present != set(files):
        raise BackupError(f"{path} is incomplete or has unexpected files: refused.")
    for name, digest in files.items():
        if _sha256(Path(workdir, name)) != digest:
            raise BackupError(f"{path} is damaged ({name} does not match its checksum): refused.")
    if DATABASE_FILES[vendor] not in files:
        raise BackupError(f"{path} has no database dump: refused.")
    _check_database_file(Path(workdir, DATABASE_FILES[vendor]), vendor)
    return manifest


def _check_database_file(database_file, vendor):
    if vendor == "postgresql":
        _run(["pg_restore", "--list", str(database_file)])
        return
    try:
        with sqlite3.connect(f"file:{database_file}?mode=ro", uri=True) as copy:
            (verdict,) = copy.execute("PRAGMA integrity_check").fetchone()
        copy.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"The SQLite database in the backup is unreadable ({error}).") from error
    if verdict != "ok":
        raise BackupError(f"The SQLite database in the backup is damaged ({verdict}).")


def _restore_database(connection, database_file):
    """All or nothing: a failure part-way leaves the database as it was."""
    if connection.vendor == "postgresql":
        env = _pg_environment(connection)
        connection.close()  # our own idle connection must not hold locks pg_restore needs
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--single-transaction",
                "--exit-on-error",
                "--no-owner",
                "--no-privileges",
                "--dbname",
                env["PGDATABASE"],
                str(database_file),
            ],
            env=env,
        )
    else:
        connection.ensure_connection()
        with sqlite3.connect(f"file:{database_file}?mode=ro", uri=True) as source:
            source.backup(connection.connection)
        source.close()


def _replace_media(extracted):
    media = Path(settings.MEDIA_ROOT)
    media.parent.mkdir(parents=True, exist_ok=True)
    incoming = Path(tempfile.mkdtemp(prefix=".media-incoming-", dir=media.parent))
    if extracted.is_dir():
        shutil.copytree(extracted, incoming, dirs_exist_ok=True)
    outgoing = media.with_name(f".{media.name}-replaced")
    shutil.rmtree(outgoing, ignore_errors=True)
    if media.exists():
        media.rename(outgoing)
    incoming.rename(media)
    shutil.rmtree(outgoing, ignore_errors=True)


def restore_backup(path, using="default"):
    """Replace the database and media with the backup's; the caller rebuilds derived data."""
    connection = connections[using]
    with tempfile.TemporaryDirectory() as workdir:
        manifest = read_backup(path, workdir, using)
        _restore_database(connection, Path(workdir, DATABASE_FILES[connection.vendor]))
        _replace_media(Path(workdir, "media"))
    return manifest
