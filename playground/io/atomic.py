"""Safe file writes and bounded reads.

Writes: a temp file in the target's folder, fsync, then os.replace over the target — but only
over a regular file (or nothing): a symlink is followed to the file it names, a character device
or a FIFO (/dev/null, /dev/stdout, a named pipe with a reader) is written through, anything else
is refused. A temp file is locked while it is written; temp files of our own naming that nobody
holds (left by a killed process) are removed on the next write to that folder. Errors name the
user's path, never the temp file.

Reads: only regular files, at most a given number of bytes (st_size is 0 for devices: the read
itself is capped), never blocking on a FIFO.
"""

from __future__ import annotations

import errno
import os
import re
import secrets
import stat
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: no locks, so no cleaning of stale temp files
    fcntl = None  # type: ignore[assignment]

NAME_MAX = 255
TEMP_EXTRA = len("..") + 12 + len(".tmp")  # ".{name}.{12 hex}.tmp"
TEMP_PATTERN = re.compile(r"^\..*\.[0-9a-f]{12}\.tmp$", re.DOTALL)


class FileKindError(ValueError):
    """A path that names something we do not read or write (a folder, a device, a socket)."""


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Write data to path so that readers see either the old file or the whole new one."""
    name = os.fspath(path)
    try:
        info = os.stat(name)
    except FileNotFoundError:
        info = None
    except OSError as error:
        raise _named(error, name) from None
    if info is not None and not stat.S_ISREG(info.st_mode):
        _write_through(name, info, data)
        return
    target = Path(os.path.realpath(name)) if os.path.islink(name) else Path(name)
    _clean_stale_temp_files(target.parent)
    try:
        fd, temp = _create_locked_temp(target)
    except OSError as error:
        raise _named(error, name) from None
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
            try:
                os.chmod(temp, stat.S_IMODE(os.stat(target).st_mode))  # keep the file's mode
            except FileNotFoundError:
                pass
            os.replace(temp, target)  # still locked: a cleaner never takes a file being written
    except OSError as error:
        temp.unlink(missing_ok=True)
        raise _named(error, name) from None
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    _fsync_directory(target.parent)


def atomic_write_text(path: str | os.PathLike[str], text: str, encoding: str = "utf-8") -> None:
    """Write text to path atomically, encoded as given; newlines are written as they are."""
    atomic_write_bytes(path, text.encode(encoding))


def is_special_output(path: str | os.PathLike[str]) -> bool:
    """Whether path exists and is written through rather than replaced (a device, a FIFO)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)


def read_bytes_limited(path: str | os.PathLike[str], limit: int, kind: str = "file") -> bytes:
    """The bytes of a regular file of at most `limit` bytes; FileKindError or ValueError else."""
    name = os.fspath(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(name, flags)  # O_NONBLOCK: opening a FIFO never waits for a writer
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise FileKindError(f"is a folder, not a {kind}")
        if not stat.S_ISREG(mode):
            raise FileKindError(f"is a {_kind_of(mode)}, not a regular file (expected a {kind})")
        chunks = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    finally:
        os.close(fd)
    if size > limit:
        raise ValueError(f"the file is too large (a {kind} is at most {limit / 2**20:g} MB)")
    return b"".join(chunks)


def _write_through(name: str, info: os.stat_result, data: bytes) -> None:
    """Write into a character device or a FIFO; refuse folders, block devices and sockets."""
    mode = info.st_mode
    if stat.S_ISDIR(mode):
        raise FileKindError(f"{name}: is a folder (give a file name inside it)")
    if not (stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)):
        raise FileKindError(f"{name}: is a {_kind_of(mode)}; write to a regular file")
    try:
        fd = os.open(name, os.O_WRONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        if error.errno == errno.ENXIO:
            raise FileKindError(f"{name}: is a named pipe that nobody reads") from None
        raise _named(error, name) from None
    try:
        if fcntl is not None:
            flags = fcntl.fcntl(fd, fcntl.F_GETFL)
            fcntl.fcntl(fd, fcntl.F_SETFL, flags & ~os.O_NONBLOCK)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    except OSError as error:
        raise _named(error, name) from None
    finally:
        os.close(fd)


def _temp_path(target: Path) -> Path:
    """A hidden name beside target that fits NAME_MAX however long target's name is."""
    encoded = os.fsencode(target.name)
    room = NAME_MAX - TEMP_EXTRA
    if len(encoded) > room:
        stem = os.fsdecode(encoded[:room])
    else:
        stem = target.name
    return target.with_name(f".{stem}.{secrets.token_hex(6)}.tmp")


def _create_locked_temp(target: Path) -> tuple[int, Path]:
    """Create (O_EXCL) and lock a temp file; retry if a cleaner removed it before the lock."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        temp = _temp_path(target)
        fd = os.open(temp, flags, 0o666)  # 0o666: the umask applies as usual
        if fcntl is None:
            return fd, temp
        fcntl.flock(fd, fcntl.LOCK_EX)
        if os.fstat(fd).st_nlink > 0:
            return fd, temp
        os.close(fd)


def _clean_stale_temp_files(folder: Path) -> None:
    """Remove temp files of our naming that no live writer holds (best effort)."""
    if fcntl is None:
        return
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if not TEMP_PATTERN.match(entry.name):
            continue
        try:
            if not entry.is_file(follow_symlinks=False):
                continue
            fd = os.open(
                entry.path,
                os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0),
            )
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            if stat.S_ISREG(os.fstat(fd).st_mode):
                os.unlink(entry.path)
        except OSError:
            pass  # locked: a writer is at work
        finally:
            os.close(fd)


def _named(error: OSError, name: str) -> OSError:
    """The same error, naming the user's path (not a temp file's)."""
    return type(error)(error.errno, error.strerror or str(error), name)


def _kind_of(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "named pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "character device"
    if stat.S_ISBLK(mode):
        return "block device"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "special file"


def _fsync_directory(directory: Path) -> None:
    """Make the rename durable where the platform allows fsync on a directory."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
