"""Backups: one dated archive holding the database, the media and a manifest, and the
restore of such an archive into an empty database and an empty media storage.

The archive is a plain tar file (the PostgreSQL dump is compressed already, and so are
the images), written under a temporary name and renamed when complete:

    database.dump        pg_dump's custom format (PostgreSQL), taken in one snapshot
    database.sqlite3     a copy made with SQLite's online backup API (SQLite)
    media/<name>         every file of the media storage, under its storage name
    private/<name>       every private file (signed copies of agreements: private_files.py)
    manifest.json        what the archive holds (see ``_manifest``)

The media are read through Django's default storage, so the archive is complete whether
uploads live in MEDIA_ROOT or in an S3 bucket. An archive restores into the same engine
only: a PostgreSQL dump into PostgreSQL, an SQLite copy into SQLite.

Longer than most modules: backup and restore are the two halves of one archive format,
kept side by side so that a change to one is read against the other.
"""

import datetime as dt
import hashlib
import importlib.metadata
import io
import json
import os
import platform
import posixpath
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import django
from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import Storage, default_storage
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.utils import ConnectionHandler, DatabaseError

from .private_files import private_storage

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA = "media/"
PRIVATE = "private/"
DUMP_FILES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
ENGINE_NAMES = {"postgresql": "a PostgreSQL", "sqlite": "an SQLite"}
# Archive names sort by time; pruning touches nothing that does not match exactly.
NAME_FORMAT = "intloffice-%Y-%m-%dT%H%M%SZ.tar"
NAME_PATTERN = re.compile(r"^intloffice-\d{4}-\d\d-\d\dT\d{6}Z\.tar$")
ROWS_PER_FETCH = 2000


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is one line for the operator."""


@dataclass(frozen=True)
class TableState:
    rows: int
    sha256: str


@dataclass
class BackupReport:
    path: Path
    size: int
    engine: str
    tables: dict[str, TableState]
    files: int
    media_bytes: int
    seconds: float
    vanished: list[str] = field(default_factory=list)
    pruned: list[Path] = field(default_factory=list)
    private_files: int = 0


@dataclass
class RestoreReport:
    engine: str
    database: str
    media: str
    tables: dict[str, TableState]
    files: int
    seconds: float
    notes: list[str] = field(default_factory=list)
    private_files: int = 0


def default_directory() -> Path:
    return Path(os.environ.get("BACKUP_DIR") or Path(settings.VAR_DIR) / "backups")


# --- What a database holds ------------------------------------------------------------


def engine_of(settings_dict: dict) -> str:
    engine = settings_dict["ENGINE"]
    if "postgresql" in engine or "postgis" in engine:
        return "postgresql"
    if "sqlite3" in engine or "spatialite" in engine:
        return "sqlite"
    raise BackupError(f"Backups support PostgreSQL and SQLite, not {engine}.")


def describe(settings_dict: dict) -> str:
    if engine_of(settings_dict) == "sqlite":
        return f"SQLite {settings_dict['NAME']}"
    host = settings_dict.get("HOST") or "local socket"
    return f"PostgreSQL {settings_dict.get('NAME')} on {host}"


@contextmanager
def connected(settings_dict: dict):
    """A Django connection to the database ``settings_dict`` describes, closed afterwards;
    it need not be one of settings.DATABASES (a restore may go elsewhere)."""
    # One plain connection: a connection pool would outlive this block.
    options = {key: value for key, value in settings_dict["OPTIONS"].items() if key != "pool"}
    entry = {**settings_dict, "OPTIONS": options}
    connection = ConnectionHandler({DEFAULT_DB_ALIAS: entry})[DEFAULT_DB_ALIAS]
    try:
        yield connection
    except DatabaseError as error:
        raise BackupError(f"{describe(settings_dict)}: {_first_line(error)}") from error
    finally:
        connection.close()


def _row_digest(row) -> bytes:
    values = tuple(bytes(value) if isinstance(value, memoryview) else value for value in row)
    return hashlib.sha256(repr(values).encode()).digest()


def table_state(connection, table: str) -> TableState:
    """The table's row count and a digest of every column of every row.

    The digest is sha256 over the sorted row digests, so it does not depend on the order
    rows come back in (a text primary key sorts by the server's collation)."""
    digests = []
    # A server-side cursor on PostgreSQL: a large table is never held in memory.
    with connection.chunked_cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
        while rows := cursor.fetchmany(ROWS_PER_FETCH):
            digests.extend(_row_digest(row) for row in rows)
    digests.sort()
    return TableState(rows=len(digests), sha256=hashlib.sha256(b"".join(digests)).hexdigest())


def table_states(connection) -> dict[str, TableState]:
    """Rows and digest of every table, by name."""
    with connection.cursor() as cursor:
        names = sorted(connection.introspection.table_names(cursor))
    return {name: table_state(connection, name) for name in names}


def table_lines(tables: dict[str, TableState]) -> list[str]:
    """One line per table (rows and the start of its digest) and a total, for operators."""
    lines = [
        f"{name:40} {state.rows:>9} rows  {state.sha256[:16]}" for name, state in tables.items()
    ]
    rows = sum(state.rows for state in tables.values())
    return [*lines, f"{len(tables)} tables, {rows} rows"]


def applied_migrations(connection) -> dict[str, list[str]]:
    # Raw SQL: MigrationRecorder would query settings.DATABASES, not this connection.
    with connection.cursor() as cursor:
        if "django_migrations" not in connection.introspection.table_names(cursor):
            return {}
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        applied: dict[str, list[str]] = {}
        for app, name in cursor.fetchall():
            applied.setdefault(app, []).append(name)
    return applied


# --- Media ----------------------------------------------------------------------------


def media_names(storage: Storage) -> Iterator[str]:
    """Every file name in the storage, folder by folder."""

    def walk(folder: str) -> Iterator[str]:
        try:
            folders, files = storage.listdir(folder)
        except FileNotFoundError:
            return
        for name in sorted(files):
            yield posixpath.join(folder, name)
        for name in sorted(folders):
            yield from walk(posixpath.join(folder, name))

    return walk("")


def describe_storage(storage: Storage) -> str:
    bucket = getattr(storage, "bucket_name", None)
    if bucket:
        return f"bucket {bucket}"
    location = getattr(storage, "location", None)
    return f"folder {location}" if location else type(storage).__name__


# --- PostgreSQL tools -----------------------------------------------------------------


def _first_line(error) -> str:
    lines = [" ".join(line.split()) for line in str(error).splitlines() if line.strip()]
    return lines[0] if lines else type(error).__name__


def pg_tool(name: str, at_least: int, reason: str) -> str:
    """The path of pg_dump or pg_restore, of major version ``at_least`` or newer."""
    path = shutil.which(name)
    if not path:
        raise BackupError(
            f"{name} is not on PATH: install the PostgreSQL client tools "
            f"(Debian: apt-get install postgresql-client-{at_least})."
        )
    output = subprocess.run([path, "--version"], capture_output=True, text=True).stdout
    match = re.search(r"\)\s*(\d+)", output)
    major = int(match.group(1)) if match else 0
    if major < at_least:
        raise BackupError(
            f"{path} is version {major or '?'}, older than {reason} ({at_least}): "
            f"install postgresql-client-{at_least} or newer."
        )
    return path


def _pg_environment(settings_dict: dict) -> dict[str, str]:
    """Connection settings for the PostgreSQL tools, passed in the environment so that a
    password never appears in a process list."""
    from django.db.backends.postgresql.client import DatabaseClient

    _args, extra = DatabaseClient.settings_to_cmd_args_env(settings_dict, [])
    environment = {**os.environ, **(extra or {})}
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if settings_dict.get(key):
            environment[variable] = str(settings_dict[key])
    return environment


def _pg_dbname(settings_dict: dict) -> str:
    service = settings_dict["OPTIONS"].get("service")
    return settings_dict.get("NAME") or f"service={service}"


def _run(args: list[str], environment: dict[str, str], what: str) -> None:
    result = subprocess.run(
        args, env=environment, stdin=subprocess.DEVNULL, capture_output=True, text=True
    )
    if result.returncode != 0:
        lines = [line.strip() for line in result.stderr.splitlines() if line.strip()]
        # The first error line names the cause; later ones repeat the statement.
        line = next((line for line in lines if "error:" in line.lower()), None)
        line = line or (lines[-1] if lines else f"exit status {result.returncode}")
        line = re.sub(rf"^{what}: error: (could not execute query: )?", "", line)
        raise BackupError(f"{what} failed: {' '.join(line.split()).rstrip('.')}.")


# --- Taking the database --------------------------------------------------------------


@dataclass
class _Snapshot:
    file: Path
    tables: dict[str, TableState]
    migrations: dict[str, list[str]]
    server: str
    tool: str = ""


def _snapshot_postgresql(connection, folder: Path) -> _Snapshot:
    path = folder / DUMP_FILES["postgresql"]
    server_major = connection.pg_version // 10000
    pg_dump = pg_tool("pg_dump", server_major, "the PostgreSQL server")
    tool = subprocess.run([pg_dump, "--version"], capture_output=True, text=True).stdout
    # The dump, the row counts and the digests all see one exported snapshot: the
    # manifest describes exactly what the dump holds, even while the site writes.
    with transaction.atomic(using=connection.alias, durable=True):
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot(), version()")
            snapshot, server = cursor.fetchone()
        _run(
            [pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--file={path}"]
            + [f"--dbname={_pg_dbname(connection.settings_dict)}"],
            _pg_environment(connection.settings_dict),
            "pg_dump",
        )
        tables = table_states(connection)
        migrations = applied_migrations(connection)
    return _Snapshot(path, tables, migrations, server, tool.strip())


def _snapshot_sqlite(connection, folder: Path) -> _Snapshot:
    path = folder / DUMP_FILES["sqlite"]
    connection.ensure_connection()
    # One step (pages=-1) copies the whole database under one read transaction: a
    # consistent copy while the site keeps reading and, in WAL mode, writing.
    with closing(sqlite3.connect(path)) as copy:
        connection.connection.backup(copy)
    # Counted in the copy itself, so the manifest describes exactly what was copied.
    with connected({**connection.settings_dict, "NAME": str(path), "OPTIONS": {}}) as copy:
        tables = table_states(copy)
        migrations = applied_migrations(copy)
    return _Snapshot(path, tables, migrations, f"SQLite {sqlite3.sqlite_version}")


# --- Writing the archive --------------------------------------------------------------


class _Hashing:
    """A file wrapper that hashes and counts what tarfile reads through it."""

    def __init__(self, raw):
        self.raw = raw
        self.sha256 = hashlib.sha256()
        self.size = 0

    def read(self, size=-1):
        data = self.raw.read(size)
        self.sha256.update(data)
        self.size += len(data)
        return data


def _add(archive: tarfile.TarFile, name: str, raw, size: int, mtime: float) -> dict:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = size, int(mtime), 0o644
    reader = _Hashing(raw)
    archive.addfile(info, reader)
    return {"name": name, "size": reader.size, "sha256": reader.sha256.hexdigest()}


def _versions() -> dict[str, str]:
    versions = {"python": platform.python_version(), "django": django.get_version()}
    with suppress(importlib.metadata.PackageNotFoundError):
        versions["intloffice"] = importlib.metadata.version("intloffice")
    return versions


def _manifest(engine, snapshot: _Snapshot, files: list[dict], created: dt.datetime) -> dict:
    return {
        "format": FORMAT,
        "created_at": created.isoformat(),
        "database": {
            "engine": engine,
            "file": DUMP_FILES[engine],
            "server": snapshot.server,
            "tool": snapshot.tool,
        },
        "versions": _versions(),
        "migrations": snapshot.migrations,
        "tables": {
            name: {"rows": state.rows, "sha256": state.sha256}
            for name, state in snapshot.tables.items()
        },
        "files": files,
    }


def backup(
    directory: Path | None = None,
    *,
    keep: int | None = None,
    using: str = DEFAULT_DB_ALIAS,
    storage: Storage | None = None,
    private: Storage | None = None,
    now: dt.datetime | None = None,
) -> BackupReport:
    """Write one archive of the database ``using``, the media ``storage`` and the
    ``private`` files into ``directory``; then, with ``keep``, delete all but the newest
    ``keep`` archives."""
    started = time.monotonic()
    directory = Path(directory or default_directory())
    storage = storage or default_storage
    private = private or private_storage()
    connection = connections[using]
    engine = engine_of(connection.settings_dict)
    if keep is not None and keep < 1:
        raise BackupError("--keep must be at least 1.")
    created = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise BackupError(f"Cannot create {directory}: {error.strerror}.") from error
    final = directory / created.strftime(NAME_FORMAT)
    if final.exists():
        raise BackupError(f"{final} already exists.")
    partial = directory / f".{final.name}.partial"

    vanished = []
    try:
        with tempfile.TemporaryDirectory(dir=directory, prefix=".backup-") as folder:
            take = _snapshot_postgresql if engine == "postgresql" else _snapshot_sqlite
            try:
                snapshot = take(connection, Path(folder))
            except DatabaseError as error:
                where = describe(connection.settings_dict)
                raise BackupError(f"{where}: {_first_line(error)}") from error
            if not snapshot.tables:
                # Most likely the wrong database (DATABASE_URL unset in a timer's unit).
                where = describe(connection.settings_dict)
                raise BackupError(f"{where} has no tables: nothing to back up.")
            # Owner-only: the archive holds password hashes and sessions.
            descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with (
                open(descriptor, "wb") as output,
                tarfile.open(fileobj=output, mode="w", format=tarfile.PAX_FORMAT) as archive,
            ):
                with open(snapshot.file, "rb") as raw:
                    stat = os.fstat(raw.fileno())
                    files = [_add(archive, snapshot.file.name, raw, stat.st_size, stat.st_mtime)]
                Path(snapshot.file).unlink()
                mtime = created.timestamp()
                for prefix, where in ((MEDIA, storage), (PRIVATE, private)):
                    for name in media_names(where):
                        try:
                            # Files deleted or replaced since the snapshot are left out.
                            with where.open(name, "rb") as raw:
                                entry = _add(archive, prefix + name, raw, where.size(name), mtime)
                                files.append(entry)
                        except FileNotFoundError:
                            vanished.append(prefix + name)
                        except Exception as error:  # S3 and others raise their own errors
                            raise BackupError(
                                f"Backup failed, no archive written: cannot read the file "
                                f"{prefix}{name}: {_first_line(error)}"
                            ) from error
                manifest = _manifest(engine, snapshot, files, created)
                data = json.dumps(manifest, indent=1, ensure_ascii=False).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime, info.mode = len(data), int(created.timestamp()), 0o644
                archive.addfile(info, io.BytesIO(data))
                archive.close()
                output.flush()
                os.fsync(output.fileno())
        os.replace(partial, final)
    except OSError as error:
        raise BackupError(f"Backup failed, no archive written: {error}") from error
    finally:
        partial.unlink(missing_ok=True)
    pruned = prune(directory, keep) if keep else []
    media = [entry for entry in files if entry["name"].startswith(MEDIA)]
    return BackupReport(
        path=final,
        size=final.stat().st_size,
        engine=engine,
        tables=snapshot.tables,
        files=len(media),
        media_bytes=sum(entry["size"] for entry in media),
        seconds=time.monotonic() - started,
        vanished=vanished,
        pruned=pruned,
        private_files=sum(entry["name"].startswith(PRIVATE) for entry in files),
    )


def prune(directory: Path, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` archives in ``directory``; return those deleted.
    Only files named exactly like this module's archives are considered."""
    archives = sorted(path for path in Path(directory).iterdir() if NAME_PATTERN.match(path.name))
    doomed = archives[:-keep] if keep else []
    for path in doomed:
        path.unlink()
    return doomed


# --- Restoring ------------------------------------------------------------------------


def _safe_member(name: str) -> bool:
    parts = name.split("/")
    return bool(name) and not name.startswith("/") and ".." not in parts and "" not in parts


def _open_archive(path: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(path, "r:*")
    except FileNotFoundError:
        raise BackupError(f"{path} does not exist.") from None
    except tarfile.TarError:
        raise BackupError(f"{path} is not a backup archive (not a tar file).") from None
    except OSError as error:
        raise BackupError(f"{path} cannot be read: {error.strerror}.") from None


def read_manifest(archive: tarfile.TarFile) -> dict:
    try:
        member = archive.getmember(MANIFEST)
        manifest = json.load(archive.extractfile(member))
    except (KeyError, ValueError, tarfile.TarError):
        raise BackupError("The archive has no readable manifest.json: not a backup.") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"The archive's format {manifest.get('format')!r} is not {FORMAT}.")
    return manifest


def verify(archive: tarfile.TarFile, manifest: dict) -> None:
    """Check every member against the manifest's sizes and checksums, before anything
    is written; raise BackupError naming the first difference."""
    expected = {entry["name"]: entry for entry in manifest["files"]}
    for entry in expected:
        if not _safe_member(entry):
            raise BackupError(f"The manifest names an unsafe path: {entry!r}.")
    seen = set()
    for member in archive:
        if member.name == MANIFEST:
            continue
        entry = expected.get(member.name)
        if entry is None or not member.isfile():
            raise BackupError(f"The archive holds {member.name!r}, which its manifest lacks.")
        digest = hashlib.sha256()
        raw = archive.extractfile(member)
        while chunk := raw.read(1024 * 1024):
            digest.update(chunk)
        if member.size != entry["size"] or digest.hexdigest() != entry["sha256"]:
            raise BackupError(f"The archive is damaged: {member.name} fails its checksum.")
        seen.add(member.name)
    missing = sorted(set(expected) - seen)
    if missing:
        raise BackupError(f"The archive is incomplete: {missing[0]} is missing.")


def _migration_notes(applied: dict[str, list[str]]) -> list[str]:
    archived = {(app, name) for app, names in applied.items() for name in names}
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    ahead = sorted(archived - known)
    behind = sorted(key for key in known - archived if key[0] in applied)
    notes = []
    if ahead:
        notes.append(
            f"The archive has {len(ahead)} migration(s) this code does not know "
            f"(e.g. {ahead[0][0]}.{ahead[0][1]}): it was made by a newer version."
        )
    if behind:
        notes.append(f"The archive lacks {len(behind)} migration(s) of this code: run migrate.")
    return notes


def _restore_postgresql(dump: Path, target: dict, force: bool, dump_tool: str) -> None:
    match = re.search(r"\)\s*(\d+)", dump_tool)
    pg_restore = pg_tool("pg_restore", int(match.group(1)) if match else 0, "the archive's pg_dump")
    args = [pg_restore, "--single-transaction", "--no-owner", "--no-privileges"]
    args += ["--exit-on-error", f"--dbname={_pg_dbname(target)}"]
    if force:
        args += ["--clean", "--if-exists"]
    try:
        _run([*args, str(dump)], _pg_environment(target), "pg_restore")
    except BackupError as error:
        raise BackupError(
            f"{error} Nothing was restored: pg_restore ran in one transaction, so the "
            "database is as it was and the media were not touched."
        ) from None


def _sqlite_file(target: dict) -> str:
    name = str(target["NAME"])
    if name == ":memory:" or name.startswith("file:"):
        raise BackupError(f"Cannot restore into the SQLite database {name!r}: name a file.")
    Path(name).parent.mkdir(parents=True, exist_ok=True)
    return name


def _restore_sqlite(copy: Path, target: dict) -> None:
    name = _sqlite_file(target)
    timeout = target.get("OPTIONS", {}).get("timeout", 20)
    try:
        # The backup API replaces the whole destination in one transaction. Out of WAL
        # mode first: in WAL mode it cannot change the page size (the site's next
        # connection turns WAL on again).
        with (
            closing(sqlite3.connect(copy)) as source,
            closing(sqlite3.connect(name, timeout=timeout)) as destination,
        ):
            destination.execute("PRAGMA journal_mode=DELETE")
            source.backup(destination)
    except sqlite3.Error as error:
        raise BackupError(
            f"Restoring into {name} failed: {error}. The database is as it was (the copy "
            "is written in one transaction) and the media were not touched."
        ) from None


def _write_media(
    archive: tarfile.TarFile, manifest: dict, storage: Storage, prefix: str = MEDIA
) -> int:
    entries = [entry for entry in manifest["files"] if entry["name"].startswith(prefix)]
    written = 0
    try:
        for entry in entries:
            name = entry["name"].removeprefix(prefix)
            # save() would pick another name beside an existing file (only with --force).
            if storage.exists(name):
                storage.delete(name)
            saved = storage.save(name, File(archive.extractfile(entry["name"]), name=name))
            if saved != name:
                raise OSError(f"the storage saved {name} as {saved}")
            written += 1
    except Exception as error:
        what = "media" if prefix == MEDIA else "private files"
        raise BackupError(
            f"The database was restored but the {what} are incomplete ({written} of "
            f"{len(entries)} files written): {_first_line(error)}. Fix the cause and "
            "restore again with --force."
        ) from error
    return written


def restore(
    path: Path,
    *,
    force: bool = False,
    database: dict | None = None,
    storage: Storage | None = None,
    private: Storage | None = None,
) -> RestoreReport:
    """Restore the archive at ``path`` into ``database`` (a settings.DATABASES entry; the
    site's own by default), the media ``storage`` and the ``private`` files' storage. All
    must be empty unless ``force``.
    Every checksum is verified first; afterwards every table's rows and digest must equal
    the manifest's."""
    started = time.monotonic()
    own_database = database is None
    target = dict(database or connections[DEFAULT_DB_ALIAS].settings_dict)
    storage = storage or default_storage
    private = private or private_storage()
    engine = engine_of(target)
    with _open_archive(Path(path)) as archive:
        manifest = read_manifest(archive)
        archived = manifest["database"]["engine"]
        if archived != engine:
            raise BackupError(
                f"The archive holds {ENGINE_NAMES.get(archived, archived)} database and "
                f"the target is {ENGINE_NAMES[engine]} one: restore into the same engine "
                "(cross-engine restores are not supported)."
            )
        verify(archive, manifest)
        if engine == "sqlite":
            _sqlite_file(target)

        try:
            with connected(target) as connection, connection.cursor() as cursor:
                existing = connection.introspection.table_names(cursor)
        except BackupError as error:
            if "does not exist" not in str(error):
                raise
            raise BackupError(f"{error}: create it first, empty (createdb).") from None
        if existing and not force:
            raise BackupError(
                f"{describe(target)} is not empty ({len(existing)} tables): restore only "
                "into an empty database, or add --force to replace its contents."
            )
        if not force and next(media_names(storage), None) is not None:
            raise BackupError(
                f"The media {describe_storage(storage)} is not empty: restore only into an "
                "empty one, or add --force to overwrite files of the same name."
            )
        if not force and next(media_names(private), None) is not None:
            raise BackupError(
                f"The private files' {describe_storage(private)} is not empty: "
                "restore only into an empty one, or add --force to overwrite files of the "
                "same name."
            )

        with tempfile.TemporaryDirectory(prefix="intloffice-restore-") as folder:
            dump = Path(folder) / manifest["database"]["file"]
            with open(dump, "wb") as output:
                shutil.copyfileobj(archive.extractfile(manifest["database"]["file"]), output)
            if engine == "postgresql":
                _restore_postgresql(dump, target, force, manifest["database"]["tool"])
            else:
                _restore_sqlite(dump, target)
        files = _write_media(archive, manifest, storage)
        private_files = _write_media(archive, manifest, private, PRIVATE)

    with connected(target) as connection:
        tables = table_states(connection)
    expected = {name: TableState(**state) for name, state in manifest["tables"].items()}
    for name, state in expected.items():
        found = tables.get(name)
        if found is None:
            raise BackupError(f"Restored, but table {name} of the backup is missing.")
        if found != state:
            raise BackupError(
                f"Restored, but table {name} differs from the backup: {state.rows} rows "
                f"expected, {found.rows} found, or different contents."
            )
    notes = _migration_notes(manifest["migrations"])
    extra = sorted(set(tables) - set(expected))
    if extra:
        notes.append(f"{len(extra)} table(s) not in the backup were left as they were.")
    if own_database:
        notes += _all_pages_stale()
    return RestoreReport(
        engine=engine,
        database=describe(target),
        media=describe_storage(storage),
        tables=tables,
        files=files,
        seconds=time.monotonic() - started,
        notes=notes,
        private_files=private_files,
    )


def _all_pages_stale() -> list[str]:
    """Pages cached before the restore show the old content: every one is stale."""
    from .freshness import everything_changed

    try:
        everything_changed()
    except Exception as error:  # the restore itself succeeded; say what is left to do
        return [f"The page cache could not be reset ({_first_line(error)}): clear it."]
    return []
