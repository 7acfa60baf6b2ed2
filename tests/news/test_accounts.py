"""The README's account commands, run exactly as a newcomer types them."""

import os
import sqlite3
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def make(*args, var_dir: Path, **env) -> subprocess.CompletedProcess:
    # A fresh SQLite database in its own folder, whatever database the suite runs on.
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "DJANGO_SECRET_KEY", "DJANGO_DEBUG", "REDIS_URL"}
    }
    environment.update(DJANGO_VAR_DIR=str(var_dir), **env)
    return subprocess.run(
        ["make", "--no-print-directory", *args],
        cwd=ROOT,
        env=environment,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=300,
    )


def accounts(var_dir: Path) -> list[tuple]:
    with sqlite3.connect(var_dir / "intloffice.sqlite3") as connection:
        return connection.execute(
            "SELECT u.username, u.is_staff, u.is_superuser, g.name FROM auth_user u "
            "LEFT JOIN auth_user_groups ug ON ug.user_id = u.id "
            "LEFT JOIN auth_group g ON g.id = ug.group_id ORDER BY u.username"
        ).fetchall()


def test_make_staff_creates_an_editor_on_a_fresh_clone(tmp_path):
    result = make("staff", "USER=anna", "ROLE=editor", var_dir=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Created editor 'anna'." in result.stdout
    assert "Password (shown once):" in result.stdout
    assert accounts(tmp_path) == [("anna", 1, 0, "Editors")]


def test_make_staff_without_a_name_says_how_in_one_line(tmp_path):
    # USER is set by every shell: it must not silently become the account's name.
    result = make("staff", "ROLE=editor", var_dir=tmp_path, USER="root")
    assert result.returncode != 0
    assert "make staff USER=anna ROLE=editor" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_make_superuser_unattended(tmp_path):
    result = make(
        "superuser",
        var_dir=tmp_path,
        DJANGO_SUPERUSER_USERNAME="head",
        DJANGO_SUPERUSER_EMAIL="head@example.edu",
        DJANGO_SUPERUSER_PASSWORD="a long and unusual passphrase",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert accounts(tmp_path) == [("head", 1, 1, None)]
