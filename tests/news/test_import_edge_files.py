"""Files an archive should not hold: each is named on one line and skipped, none hangs the
run or stops the other files. Real pipes, sockets, link loops and devices, no mocks."""

import os
import shutil
import socket
import stat
import tempfile
import threading
from contextlib import contextmanager, nullcontext
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from news.importing import import_articles, read_source
from news.models import Article
from news.parsing import MAX_FILE_BYTES, ParseError, decode, parse_article
from tests.conftest import SEEDS

GOOD = Path(SEEDS) / "000_81355e64a07f423b.txt"
NOBODY = 65534


def article_text(title: str, body: str = "Body.") -> str:
    return f"{title}\n\n{body}\n\nДата публикации: 2022.01.01\n"


def make_specials(folder: Path) -> dict[str, str]:
    """A pipe, a socket, link loops and a link to a device; returns name -> message."""
    os.mkfifo(folder / "fifo.txt")
    # Bound by a relative name: a socket's full path may not exceed 107 bytes.
    here = os.getcwd()
    os.chdir(folder)
    try:
        with socket.socket(socket.AF_UNIX) as server:
            server.bind("socket.txt")  # the file stays when the socket is closed
    finally:
        os.chdir(here)
    (folder / "loop.txt").symlink_to("loop.txt")
    (folder / "ping.txt").symlink_to("pong.txt")
    (folder / "pong.txt").symlink_to("ping.txt")
    (folder / "broken.txt").symlink_to("nowhere.txt")
    (folder / "zero.txt").symlink_to("/dev/zero")
    return {
        "fifo.txt": "a named pipe (FIFO), not a regular file; skipped",
        "socket.txt": "a socket, not a regular file; skipped",
        "loop.txt": "symbolic link loop; skipped",
        "ping.txt": "symbolic link loop; skipped",
        "pong.txt": "symbolic link loop; skipped",
        "broken.txt": "broken symbolic link; skipped",
        "zero.txt": f"links outside {folder}; not followed",
    }


def refusals(err: str) -> dict[str, str]:
    lines = err.strip().splitlines()
    assert all(": " in line for line in lines), lines
    return dict(line.split(": ", 1) for line in lines)


def test_pipes_sockets_link_loops_and_devices_are_each_named_and_the_good_file_imported(
    db, tmp_path, capsys
):
    shutil.copy(GOOD, tmp_path / "good.txt")
    expected = {str(tmp_path / name): reason for name, reason in make_specials(tmp_path).items()}
    # A device given by name is not read either (/dev/zero would never end).
    expected["/dev/zero"] = "a character device, not a regular file; skipped"
    with pytest.raises(CommandError) as error:
        call_command("import_articles", str(tmp_path), "/dev/zero")
    assert error.value.returncode == 1
    assert refusals(capsys.readouterr().err) == expected
    assert Article.objects.get().title_en.startswith("Polytechnic University")


def test_strict_writes_nothing_when_a_special_file_is_skipped(db, tmp_path):
    shutil.copy(GOOD, tmp_path / "good.txt")
    os.mkfifo(tmp_path / "fifo.txt")
    report = import_articles([tmp_path], strict=True)
    assert report.rolled_back
    assert report.failures == [
        (str(tmp_path / "fifo.txt"), "a named pipe (FIFO), not a regular file; skipped")
    ]
    assert Article.objects.count() == 0


def test_a_pipe_swapped_in_after_the_folder_was_read_does_not_block(tmp_path):
    """find_files looked before; read_source opens without blocking and looks again."""
    os.mkfifo(tmp_path / "late.txt")
    outcome = []

    def read():
        try:
            read_source(tmp_path / "late.txt", None)
        except ParseError as error:
            outcome.append(str(error))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout=10)
    assert outcome == ["a named pipe (FIFO), not a regular file; skipped"]


@contextmanager
def as_nobody():
    """Root reads a file of mode 000 anyway; as "nobody" the kernel really refuses it."""
    os.seteuid(NOBODY)
    try:
        yield
    finally:
        os.seteuid(0)


def test_unreadable_file_is_named_and_the_others_imported(db, capsys):
    # Not tmp_path: pytest's base folder is private to its owner, and "nobody" must be
    # able to reach the archive to find that one file in it cannot be opened.
    archive = Path(tempfile.mkdtemp(prefix="unreadable-"))
    try:
        archive.chmod(0o755)
        shutil.copy(GOOD, archive / "good.txt")
        (archive / "good.txt").chmod(0o644)
        locked = archive / "locked.txt"
        locked.write_text(article_text("Locked"))
        locked.chmod(0)
        with as_nobody() if os.geteuid() == 0 else nullcontext(), pytest.raises(CommandError):
            call_command("import_articles", str(archive))
    finally:
        shutil.rmtree(archive)
    assert refusals(capsys.readouterr().err) == {str(locked): "cannot read: Permission denied"}
    assert Article.objects.get().title_en.startswith("Polytechnic University")


def test_a_five_megabyte_article_is_not_imported(db, tmp_path, capsys):
    huge = tmp_path / "huge.txt"
    huge.write_text(article_text("Huge", "word " * (1024 * 1024)))
    assert huge.stat().st_size > 5 * 1024 * 1024
    shutil.copy(GOOD, tmp_path / "good.txt")
    with pytest.raises(CommandError):
        call_command("import_articles", str(tmp_path))
    assert refusals(capsys.readouterr().err) == {
        str(huge): f"file too large ({huge.stat().st_size} bytes, at most {MAX_FILE_BYTES}; "
        "see --max-bytes); skipped"
    }
    assert Article.objects.count() == 1


def test_the_size_cap_is_set_on_the_command_line(db, tmp_path, capsys):
    (tmp_path / "small.txt").write_text(article_text("Small", "x" * 100))
    (tmp_path / "larger.txt").write_text(article_text("Larger", "x" * 2000))
    with pytest.raises(CommandError):
        call_command("import_articles", str(tmp_path), max_bytes=1000, verbosity=0)
    err = capsys.readouterr().err
    assert f"{tmp_path / 'larger.txt'}: file too large (" in err
    assert "at most 1000;" in err
    assert list(Article.objects.values_list("title_en", flat=True)) == ["Small"]
    with pytest.raises(CommandError, match="--max-bytes: expected a whole number"):
        call_command("import_articles", str(tmp_path), "--max-bytes", "0")


def test_invisible_characters_are_stripped_from_titles_and_bodies(db, tmp_path):
    title = "\u200b\ufeffZero\u200b-width\u2060 \u200dtitle\u200c\ufeff"
    body = "Word\u200bjoined\ufeff, kept: \u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645."
    (tmp_path / "a.txt").write_text(article_text(title, body))
    import_articles([tmp_path])
    article = Article.objects.get()
    assert article.title_en == "Zero-width title"
    assert article.slug == "zero-width-title"
    # A zero-width non-joiner spells Persian words correctly: it stays in the body.
    assert (
        article.body_en
        == "<p>Wordjoined, kept: \u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645.</p>"
    )


def test_utf8_with_a_pasted_windows_1251_fragment_is_an_encoding_problem(db, tmp_path, capsys):
    russian = "Делегация на форуме\n\nТекст статьи о форуме.\n\nДата публикации: 2022.01.01\n"
    mixed = russian.encode().replace("форуме".encode(), "форуме".encode("cp1251"), 1)
    (tmp_path / "ru.txt").write_bytes(mixed)
    english = article_text("Forum \u2014 report", "Met ").encode() + "Фёдор".encode("cp1251")
    (tmp_path / "en.txt").write_bytes(english)
    with pytest.raises(CommandError):
        call_command("import_articles", str(tmp_path), verbosity=0)
    lines = refusals(capsys.readouterr().err)
    for name in ("ru.txt", "en.txt"):
        assert lines[str(tmp_path / name)].startswith(
            "mixed encodings: UTF-8 text with bytes that are not UTF-8 (first at byte "
        )
    assert Article.objects.count() == 0


def test_windows_1251_that_happens_to_hold_a_utf8_sequence_is_still_windows_1251():
    # "Фё" is, by chance, also a valid UTF-8 sequence (U+0538).
    text = article_text("Фёдор Петров на форуме", "Текст о встрече с делегацией.")
    article = parse_article(decode(text.encode("cp1251")))
    assert article.title == "Фёдор Петров на форуме"


def test_a_folder_that_cannot_be_read_is_named(db, capsys):
    archive = Path(tempfile.mkdtemp(prefix="closed-"))
    try:
        archive.chmod(0o755)
        closed = archive / "closed"
        closed.mkdir()
        (closed / "a.txt").write_text(article_text("Hidden"))
        closed.chmod(0)
        with as_nobody() if os.geteuid() == 0 else nullcontext(), pytest.raises(CommandError):
            call_command("import_articles", str(archive), verbosity=0)
    finally:
        closed.chmod(stat.S_IRWXU)
        shutil.rmtree(archive)
    assert refusals(capsys.readouterr().err) == {
        str(closed): "cannot read folder: Permission denied"
    }
