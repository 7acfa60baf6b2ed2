"""Backups: one archive holds the database, the media and a manifest, and restores into an
empty database and media folder table for table and byte for byte; damaged archives,
other engines and non-empty targets are refused with one line before anything is written.

pg_dump cannot see pytest-django's per-test transaction, so the tests that take a backup
are transactional (the database is flushed afterwards, the migration's groups with it).
"""

import hashlib
import io
import json
import sqlite3
import stat
import tarfile
from pathlib import Path

import pytest
import reversion
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from PIL import Image

from intloffice.core import backups
from intloffice.core.backups import BackupError, backup, connected, prune, restore, table_states
from intloffice.core.images import normalised
from tests.core.test_images import encoded, halves
from tests.factories import make_article, make_organization, role_group

PHOTO = b"not a real photo, but bytes found nowhere else" * 100
IN_MEMORY = "django.core.files.storage.InMemoryStorage"


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def archives(tmp_path) -> Path:
    return tmp_path / "backups"


@pytest.fixture
def empty_database(tmp_path):
    """A settings.DATABASES entry for a new, empty database of the test database's engine:
    a fresh file on SQLite, a second database on PostgreSQL (dropped afterwards)."""
    if connection.vendor == "sqlite":
        yield {**connection.settings_dict, "NAME": str(tmp_path / "restored.sqlite3")}
        return
    name = f"{connection.settings_dict['NAME']}_restore"
    quoted = connection.ops.quote_name(name)
    # Transactional tests run in autocommit, where CREATE DATABASE is allowed.
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")
        cursor.execute(f"CREATE DATABASE {quoted}")
    yield {**connection.settings_dict, "NAME": name}
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")


@pytest.fixture
def empty_media(tmp_path) -> FileSystemStorage:
    return FileSystemStorage(location=tmp_path / "restored-media")


def staff(django_user_model):
    for username, group_name in (("editor", "Editors"), ("publisher", "Publishers")):
        # No password: no slow hashing.
        user = django_user_model.objects.create_user(username, is_staff=True)
        user.groups.add(role_group(group_name))
    return user


def a_site(client, django_user_model) -> None:
    """Articles in three languages, one with a photo, a partner with a logo, the
    renditions of both (made by showing their pages), revisions and staff."""
    publisher = staff(django_user_model)
    photo = normalised(SimpleUploadedFile("a.jpg", encoded(halves((1300, 700)), "JPEG")))
    articles = [
        make_article(title_en="Summer school", image=photo, image_alt_en="Students"),
        make_article(title_ru="Летняя школа", body_ru="<p>Сорок студентов.</p>", title_en=""),
        make_article(title_zh_hans="上海暑期学校", summary_zh_hans="二十名学生。", title_en=""),
    ]
    logo = normalised(SimpleUploadedFile("l.png", encoded(halves((400, 200), "RGBA"), "PNG")))
    partner = make_organization(logo=logo)
    for article in articles:
        with reversion.create_revision():
            reversion.set_user(publisher)
            article.summary_en = "Revised."
            article.save()
    for page in (articles[0], partner):
        assert client.get(page.get_absolute_url()).status_code == 200


def files_in(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in root.rglob("*")
        if path.is_file()
    }


@pytest.mark.django_db(transaction=True)
def test_round_trip_restores_every_table_and_file(
    client, django_user_model, media, archives, empty_database, empty_media
):
    a_site(client, django_user_model)
    source_tables = table_states(connection)
    source_files = files_in(media)

    report = backup(archives)

    assert [path.name for path in archives.iterdir()] == [report.path.name]  # nothing partial
    assert backups.NAME_PATTERN.match(report.path.name)
    with tarfile.open(report.path) as archive:
        manifest = json.load(archive.extractfile("manifest.json"))
    assert manifest["database"]["engine"] == connection.vendor
    assert manifest["tables"]["news_article"]["rows"] == 3
    assert "0004_roles" in manifest["migrations"]["news"]
    listed = {entry["name"]: entry for entry in manifest["files"]}
    assert {f"media/{name}" for name in source_files} <= set(listed)
    thumbnails = [name for name in source_files if name.startswith("cache/")]
    assert len(thumbnails) >= 8  # the photo's and the logo's renditions
    some = thumbnails[0]
    assert listed[f"media/{some}"]["sha256"] == source_files[some]

    restored = restore(report.path, database=empty_database, storage=empty_media)

    with connected(empty_database) as target:
        restored_tables = table_states(target)
    assert restored_tables == source_tables == restored.tables
    for table in ("news_article", "reversion_version", "auth_user", "auth_group_permissions"):
        assert restored_tables[table].rows >= 2, table
    assert restored_tables["thumbnail_kvstore"].rows >= len(thumbnails)
    assert files_in(Path(empty_media.location)) == source_files
    with Image.open(Path(empty_media.location) / some) as rendition:
        rendition.load()

    # Once more: the database is no longer empty, so only --force replaces it.
    with pytest.raises(BackupError, match=r"is not empty \(\d+ tables\): .* add --force"):
        restore(report.path, database=empty_database, storage=empty_media)
    again = restore(report.path, database=empty_database, storage=empty_media, force=True)
    assert again.tables == source_tables

    # The digest sees content, not only counts: one changed letter changes it.
    with connected(empty_database) as target, target.cursor() as cursor:
        cursor.execute("UPDATE news_article SET title_ru = 'Летняя школа!' WHERE title_ru <> ''")
        changed = table_states(target)
    assert changed["news_article"].rows == source_tables["news_article"].rows
    assert changed["news_article"].sha256 != source_tables["news_article"].sha256


def nothing_in(database: dict) -> bool:
    with connected(database) as target, target.cursor() as cursor:
        return target.introspection.table_names(cursor) == []


@pytest.mark.django_db(transaction=True)
def test_private_files_are_kept_apart_and_restored_apart(
    media, archives, private_files, empty_database, empty_media, tmp_path
):
    """Signed copies of agreements live outside the media: the archive holds them under
    private/, and a restore writes them back to the private folder, never to the media."""
    make_article()
    (private_files / "agreement").mkdir()
    (private_files / "agreement" / "copy.pdf").write_bytes(b"%PDF-1.4 " + PHOTO)
    report = backup(archives)
    assert report.private_files == 1 and report.files == 0
    with tarfile.open(report.path) as archive:
        assert archive.extractfile("private/agreement/copy.pdf").read().endswith(PHOTO)
    target_private = FileSystemStorage(location=tmp_path / "restored-private")
    (tmp_path / "restored-private").mkdir()
    (tmp_path / "restored-private" / "stray.pdf").write_bytes(b"x")
    with pytest.raises(BackupError, match=r"^The private files' folder .* is not empty"):
        restore(report.path, database=empty_database, storage=empty_media, private=target_private)
    assert nothing_in(empty_database)
    (tmp_path / "restored-private" / "stray.pdf").unlink()
    restored = restore(
        report.path, database=empty_database, storage=empty_media, private=target_private
    )
    assert restored.private_files == 1 and restored.files == 0
    assert files_in(tmp_path / "restored-private") == files_in(private_files)
    assert not Path(empty_media.location).exists() or files_in(Path(empty_media.location)) == {}


@pytest.mark.django_db(transaction=True)
def test_a_refused_or_failed_restore_changes_nothing(media, archives, empty_database, empty_media):
    make_article()
    media.mkdir(parents=True)
    (media / "photo.jpg").write_bytes(b"\xff\xd8" + PHOTO)
    archive = backup(archives).path
    target_media = Path(empty_media.location)

    # Media that are not empty.
    target_media.mkdir(parents=True)
    (target_media / "stray.txt").write_text("x")
    with pytest.raises(BackupError, match=r"^The media folder .*restored-media is not empty"):
        restore(archive, database=empty_database, storage=empty_media)
    assert nothing_in(empty_database)
    (target_media / "stray.txt").unlink()

    # One byte of the photo changed in the archive.
    damaged = archives / "damaged.tar"
    data = bytearray(archive.read_bytes())
    data[data.index(PHOTO) + 100] ^= 1
    damaged.write_bytes(bytes(data))
    with pytest.raises(BackupError, match=r"^The archive is damaged: media/photo.jpg fails"):
        restore(damaged, database=empty_database, storage=empty_media)
    assert nothing_in(empty_database) and list(target_media.iterdir()) == []

    # A restore that fails half-way through the database.
    restore(archive, database=empty_database, storage=empty_media)
    with connected(empty_database) as target:
        before = table_states(target)
        if connection.vendor == "postgresql":
            # A view the backup does not know holds on to a table pg_restore must drop.
            with target.cursor() as cursor:
                cursor.execute("CREATE VIEW titles AS SELECT title_en FROM news_article")
            expected = r"^pg_restore failed: .*depend.*the database is as it was"
        else:
            # The site still writing: the restore cannot get the lock.
            empty_database = {**empty_database, "OPTIONS": {"timeout": 0.1}}
            holder = sqlite3.connect(empty_database["NAME"], isolation_level=None)
            holder.execute("BEGIN IMMEDIATE")
            expected = r"^Restoring into .* failed: database is locked\. The database is as"
        with pytest.raises(BackupError, match=expected):
            restore(archive, database=empty_database, storage=empty_media, force=True)
        if connection.vendor == "sqlite":
            holder.close()
        assert table_states(target) == before


@pytest.mark.django_db(transaction=True)
def test_failed_backup_leaves_no_archive_and_keep_prunes_old_ones(
    media, archives, settings, capsys
):
    make_article()
    media.mkdir(parents=True)
    (media / "loop.jpg").symlink_to(media / "loop.jpg")  # unreadable: a symlink loop
    with pytest.raises(CommandError, match=r"^Backup failed, no archive written: .*loop"):
        call_command("backup", "--dir", str(archives))
    assert list(archives.iterdir()) == []

    for day in ("01", "02", "03"):
        (archives / f"intloffice-2026-11-{day}T000000Z.tar").write_bytes(b"old")
    (archives / "intloffice-notes.tar").write_bytes(b"not an archive of ours")
    # Media are read through the storage API, whatever holds them (an S3 bucket too).
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": IN_MEMORY}}
    default_storage.save("articles/2026/a.txt", ContentFile(b"in memory"))
    call_command("backup", "--dir", str(archives), "--keep", "2")

    names = {path.name for path in archives.iterdir()}
    new = names - {"intloffice-2026-11-03T000000Z.tar", "intloffice-notes.tar"}
    assert len(names) == 3 and len(new) == 1 and backups.NAME_PATTERN.match(name := new.pop())
    output = capsys.readouterr().out
    assert "Deleted the older archive" in output and "2026-11-01" in output
    assert "2026-11-02" in output
    with tarfile.open(archives / name) as archive:
        assert archive.extractfile("media/articles/2026/a.txt").read() == b"in memory"


def test_prune_considers_only_archives_named_by_backup(tmp_path):
    for name in ("intloffice-2026-11-01T000000Z.tar", "intloffice-2026-11-02T000000Z.tar"):
        (tmp_path / name).write_bytes(b"")
    (tmp_path / "intloffice-2025-01-01T000000Z.tar.gz").write_bytes(b"")
    assert [path.name for path in prune(tmp_path, 1)] == ["intloffice-2026-11-01T000000Z.tar"]
    assert len(list(tmp_path.iterdir())) == 2


def test_archive_of_another_engine_is_refused_in_one_line(tmp_path):
    other = "sqlite" if connection.vendor == "postgresql" else "postgresql"
    manifest = json.dumps({"format": 1, "database": {"engine": other}}).encode()
    path = tmp_path / "other.tar"
    with tarfile.open(path, "w") as archive:
        info = tarfile.TarInfo("manifest.json")
        info.size = len(manifest)
        archive.addfile(info, io.BytesIO(manifest))
    with pytest.raises(CommandError, match=r"^The archive holds an? \w+ database and the"):
        call_command("restore", str(path))


def test_restore_of_something_else_is_one_line(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(CommandError, match=r"notes.txt is not a backup archive \(not a tar"):
        call_command("restore", str(tmp_path / "notes.txt"))
    with pytest.raises(CommandError, match=r"missing.tar does not exist\.$"):
        call_command("restore", str(tmp_path / "missing.tar"))


def executable(folder: Path, name: str, version: str) -> None:
    path = folder / name
    path.write_text(f"#!/bin/sh\necho '{name} (PostgreSQL) {version}'\n")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)


def test_postgresql_tools_must_be_present_and_recent(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(BackupError, match=r"^pg_dump is not on PATH: install .*postgresql-client"):
        backups.pg_tool("pg_dump", 15, "the PostgreSQL server")
    executable(tmp_path, "pg_dump", "13.4 (Debian 13.4-1)")
    with pytest.raises(BackupError, match=r"version 13, older than the PostgreSQL server \(15\)"):
        backups.pg_tool("pg_dump", 15, "the PostgreSQL server")
    executable(tmp_path, "pg_dump", "16.1")
    assert backups.pg_tool("pg_dump", 15, "the PostgreSQL server") == str(tmp_path / "pg_dump")
