"""Finding and reading an archive's files without being tricked.

An archive given to the importer may hold links (to outside it, broken, or in a loop),
named pipes, devices, unreadable folders, and files that change while they are read.
``find_files`` walks what was given and says of each candidate whether it is read or
why not; ``read_bytes`` reads at most so many bytes of a regular file, whatever it has
become since. Neither raises for a bad file: a refusal is one line of the import report.
``find_articles`` groups what ``find_files`` finds by article: ``NAME.txt`` and its
translations beside it, ``NAME.<language>.txt``.
"""

import errno
import os
import stat
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .parsing import ParseError

KINDS = {
    stat.S_IFDIR: "a folder",
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
}


def not_a_file(mode: int) -> str | None:
    """Why a file of this mode is not read (reading a pipe or a device may never end)."""
    if stat.S_ISREG(mode):
        return None
    return f"{KINDS.get(stat.S_IFMT(mode), 'a special file')}, not a regular file; skipped"


def os_reason(error: OSError) -> str:
    return error.strerror or str(error)


def find_files(paths: Iterable[str | Path]) -> Iterator[tuple[Path, str | None]]:
    """Files given, and ``*.txt`` below folders given, never leaving those folders.

    Yields ``(path, None)`` for a file to read and ``(path, reason)`` for one refused.
    Nothing here opens a file, and nothing raises: a link loop, a pipe, a device or an
    unreadable folder is one refusal among the others.
    """
    for given in paths:
        path = Path(given)
        try:
            mode = path.stat().st_mode
        except OSError as error:
            missing = error.errno == errno.ENOENT
            yield path, "no such file or folder" if missing else os_reason(error)
            continue
        if stat.S_ISDIR(mode):
            yield from find_in_folder(path)
        elif stat.S_ISREG(mode):
            yield path, None
        else:
            yield path, not_a_file(mode)


@dataclass(frozen=True)
class Found:
    path: Path
    error: str | None  # why the file is not read; None: read it
    language: str | None  # a translation's language, from its name; None: the original


def name_and_language(name: str, languages: Collection[str]) -> tuple[str, str | None]:
    """``NAME.ru.txt`` -> ``("NAME", "ru")``; ``NAME.txt`` -> ``("NAME", None)``.

    Only a code of ``languages`` makes a suffix (``report.v2.txt`` is an original), and
    only before ``.txt``: a file given by a name of another kind is an original.
    """
    if name[-4:].lower() != ".txt":
        return name, None
    stem = name[:-4]
    base, dot, suffix = stem.rpartition(".")
    if dot and base and suffix.lower() in languages:
        return base, suffix.lower()
    return stem, None


def find_articles(paths: Iterable[str | Path], languages: Collection[str]) -> Iterator[list[Found]]:
    """``find_files`` grouped by article: each original with its translations beside it.

    Groups come in the order their first file is found, a group's files in the order they
    are found (a folder is walked in name order, so ``NAME.ru.txt`` comes before
    ``NAME.txt``). Everything is found before the first group is given: a translation may
    be named anywhere on the command line. A file found twice (a folder and a file in it,
    both given) starts a new group, as a second copy of the article would.
    """
    groups: list[list[Found]] = []
    latest: dict[tuple[str, str, bool], list[Found]] = {}
    for path, error in find_files(paths):
        base, language = name_and_language(path.name, languages)
        # abspath, not resolve: a link is grouped by where it stands, not where it points.
        key = (os.path.abspath(path.parent), base, path.name[-4:].lower() == ".txt")
        group = latest.get(key)
        if group is None or any(found.language == language for found in group):
            group = latest[key] = []
            groups.append(group)
        group.append(Found(path, error, language))
    yield from groups


def find_in_folder(path: Path) -> Iterator[tuple[Path, str | None]]:
    root = path.resolve()
    unreadable: list[OSError] = []
    # os.walk does not descend into linked folders, so a folder loop cannot trap it.
    for folder, dirs, files in os.walk(path, onerror=unreadable.append):
        for error in unreadable:
            yield Path(error.filename), f"cannot read folder: {os_reason(error)}"
        unreadable.clear()
        dirs.sort()
        for name in sorted(files):
            if name.lower().endswith(".txt"):
                candidate = Path(folder) / name
                yield candidate, refusal(candidate, root, path)
    for error in unreadable:
        yield Path(error.filename), f"cannot read folder: {os_reason(error)}"


def refusal(candidate: Path, root: Path, given: Path) -> str | None:
    try:
        target = candidate.resolve(strict=True)
        mode = target.stat().st_mode
    except RuntimeError:  # how Python before 3.13 reports a link loop
        return "symbolic link loop; skipped"
    except OSError as error:
        if error.errno == errno.ELOOP:
            return "symbolic link loop; skipped"
        if error.errno == errno.ENOENT and candidate.is_symlink():
            return "broken symbolic link; skipped"
        return f"cannot read: {os_reason(error)}"
    if not target.is_relative_to(root):
        return f"links outside {given}; not followed"
    return not_a_file(mode)


def read_bytes(path: Path, max_bytes: int) -> bytes:
    """At most ``max_bytes`` of a regular file, whatever it has become since it was found.

    The file may have been swapped for a pipe or grown since ``find_files`` looked: it is
    opened without blocking (a pipe with no writer would wait forever) and looked at
    again through the open descriptor, which no rename can change.
    """
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
    except OSError as error:
        raise ParseError(f"cannot read: {os_reason(error)}") from None
    with os.fdopen(descriptor, "rb") as file:
        try:
            status = os.fstat(descriptor)
            if reason := not_a_file(status.st_mode):
                raise ParseError(reason)
            if status.st_size > max_bytes:
                raise ParseError(too_large(status.st_size, max_bytes))
            data = file.read(max_bytes + 1)
        except OSError as error:
            raise ParseError(f"cannot read: {os_reason(error)}") from None
    if len(data) > max_bytes:
        raise ParseError(too_large(len(data), max_bytes))
    return data


def too_large(size: int, max_bytes: int) -> str:
    return f"file too large ({size} bytes, at most {max_bytes}; see --max-bytes); skipped"
