"""The only module that reads or writes the store file.

Reading uses `toml_reader` (rtoml where installed, else `tomllib`; plain objects); saving
splices only the changed item tables with tomlkit (see `splice`). Every save locks the
sidecar, re-reads the file and compares it with what was read; when someone else changed it
meanwhile, the change is rebased on theirs (see `merge`), and a real conflict stops the save
with nothing written.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import os
import re
import stat
import threading
import time
import tomllib
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from modelboard.core import toml_reader
from modelboard.core.change import Change, ItemDelete, ItemEdit, apply_to_data
from modelboard.core.defaults import DEFAULT_STORE
from modelboard.core.errors import (
    ModelboardError,
    OperationError,
    SaveError,
    StoreUnreadableError,
)
from modelboard.core.locations import private_directory
from modelboard.core.model import (
    FORMAT_VERSION,
    Backlog,
    backlog_from_data,
    deleted_ids,
    item_from_table,
)
from modelboard.core.rhythm import RECORD_ARRAYS

if TYPE_CHECKING:
    from modelboard.core.splice import Rehearsal
    from modelboard.core.toml_layout import Layout, Lexed

_AT_LINE = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")
_CONFLICT_MARKER = re.compile(r"^(?:<{7}|={7}|>{7})(?: |\r?$)", re.MULTILINE)
LOGS = ("deleted", *RECORD_ARRAYS)  # the arrays of tables records go to
SAVE_ATTEMPTS = 5  # merges in a row, while someone else keeps writing the file
KEEP_UP_EVERY = 8
"""A waiting save catches up with every eighth save that lands ahead of it: catching up costs
2.5 ms at 1,000 items, and 0.15 ms more for each save further behind."""
SETTLE_SECONDS = 3.0  # how long a save waits for someone else's write to finish
OPEN_LOOKS = 5  # reads of a file that does not parse yet, while it keeps changing ...
OPEN_LOOK_STEP = 0.05  # ... this far apart (an editor's write in place takes milliseconds)
SETTLE_STEP = 0.15  # a write that pauses longer than this mid-file is not told apart
MAX_DEPTH = 64  # no store needs more; deeper values would exhaust the reader's stack


@dataclass(frozen=True)
class Signature:
    """What `stat` says of the file: a cheap first test for 'changed on disk'."""

    inode: int
    size: int
    mtime_ns: int
    ctime_ns: int

    @classmethod
    def of(cls, info: os.stat_result) -> Signature:
        """The signature of a stat result."""
        return cls(info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


@dataclass(frozen=True)
class Snapshot:
    """The file as read at one moment, parsed and built."""

    raw: bytes
    data: dict[str, Any]
    signature: Signature
    backlog: Backlog | None  # None: built when first read
    generation: int
    lexed: Lexed | None = None
    cache_behind: int | None = None  # as `Store.cache_behind`


@dataclass(frozen=True)
class _Parsed:
    """One version of the file: its bytes, their data and where their tables are (None when
    not known, or when the layout is one the splice does not vouch for)."""

    raw: bytes
    data: dict[str, Any]
    lexed: Lexed | None
    where: Layout | None = None  # where its items are, when a catch-up found out
    behind: int = 0  # differences caught up with to make it from the version before


def _written_note(info: os.stat_result) -> str:
    """What a save notes in the lock file of the file it wrote (by rename: whole at once)."""
    return f"wrote {info.st_ino} {info.st_size} {info.st_mtime_ns}"


def _written_whole(note: str, info: os.stat_result) -> bool:
    """True when the file is the one the last save wrote, whole (a rename is): no need to
    wait for it to settle. Any other write (an editor's, git's) is waited for."""
    return _written_note(info) in note.splitlines()


def parse_store(raw: bytes, path: Path) -> dict[str, Any]:
    """Parse the store's bytes; StoreUnreadableError names file, line and column."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        raise StoreUnreadableError(f"{path}:{line}:{column}: not UTF-8 text") from None
    try:
        data = toml_reader.loads(text)
    except RecursionError:
        raise StoreUnreadableError(
            f"{path}: values nested too deeply to read; the file was not changed"
        ) from None
    except tomllib.TOMLDecodeError as error:
        if text.startswith("\ufeff"):
            raise StoreUnreadableError(
                f"{path}:1:1: the file starts with a byte-order mark, which TOML does not allow; "
                "save it as UTF-8 without one (the file was not changed)"
            ) from None
        marker = _CONFLICT_MARKER.search(text)
        if marker is not None:
            line = text.count("\n", 0, marker.start()) + 1
            raise StoreUnreadableError(
                f"{path}:{line}:1: unresolved merge conflict at line {line}; keep one side "
                "between the <<<<<<< and >>>>>>> lines, then remove the markers"
            ) from None
        message = str(error)
        where = _AT_LINE.search(message)
        if where:
            position = f"{where.group(1)}:{where.group(2)}"
            message = message[: where.start()]
        else:
            position = f"{text.count(chr(10)) + 1}:1"
        raise StoreUnreadableError(
            f"{path}:{position}: {message}; the file was not changed"
        ) from None
    version = data.get("version", FORMAT_VERSION)
    if type(version) is not int or version != FORMAT_VERSION:  # true and 1.0 are not 1
        raise StoreUnreadableError(
            f"{path}: format version {version!r}; this modelboard reads version {FORMAT_VERSION}"
        )
    deep = too_deep(data, MAX_DEPTH)
    if deep is not None:
        raise StoreUnreadableError(
            f"{path}: {deep} is nested more than {MAX_DEPTH} deep; the file was not changed"
        )
    return data


def too_deep(data: Mapping[str, Any], limit: int) -> str | None:
    """The key of a value nested more than `limit` tables and arrays deep, if there is one.

    Looked at without recursion, so that no depth can crash the reader. A first pass only
    measures (it runs on every open: 0.1 s at 10,000 items); the key is looked for when
    something is too deep."""
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if depth >= limit and value:  # what it holds is deeper than the limit
            return _deep_key(data, limit)
        inner = value.values() if type(value) is dict else value
        stack.extend([(v, depth + 1) for v in inner if type(v) in _CONTAINERS])
    return None


def _deep_key(data: Mapping[str, Any], limit: int) -> str:
    stack: list[tuple[tuple[str, ...], Any, int]] = [((), data, 0)]
    while stack:
        where, value, depth = stack.pop()
        if depth >= limit and value:
            return ".".join(where) or "a value"
        if isinstance(value, dict):
            stack.extend(((*where, k), v, depth + 1) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((where, v, depth + 1) for v in value)
    return "a value"  # pragma: no cover - only called when the first pass found one


_CONTAINERS = (dict, list)


def writable_shape(data: Mapping[str, Any], path: Path) -> None:
    """Refuse to write into a file whose top-level shape the save cannot keep (exit 3)."""
    checks = (
        ("items", dict, "a table of [items.ID] tables"),
        *((log, list, f"an array of [[{log}]] tables") for log in LOGS),
    )
    for key, kind, wanted in checks:
        value = data.get(key)
        if value is not None and not isinstance(value, kind):
            raise StoreUnreadableError(
                f"{path}: '{key}' must be {wanted}; fix it by hand, nothing was written"
            )
    for item_id, table in data.get("items", {}).items():
        if not isinstance(table, dict):
            raise StoreUnreadableError(
                f"{path}: items.{item_id} must be a table; fix it by hand, nothing was written"
            )
    for log in LOGS:
        if any(not isinstance(record, dict) for record in data.get(log, [])):
            raise StoreUnreadableError(
                f"{path}: every [[{log}]] entry must be a table; fix it by hand; nothing written"
            )


def create_store(path: Path, text: str = DEFAULT_STORE) -> None:
    """Write a new store; refuse to touch an existing file."""
    if not path.parent.exists():
        raise OperationError(f"cannot create {path}: the folder {path.parent} does not exist")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o666)
    except FileExistsError:
        raise OperationError(f"{path} exists already; nothing was changed") from None
    except OSError as error:
        raise OperationError(f"cannot create {path}: {error.strerror}") from None
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())


def ensure_default_store(path: Path) -> bool:
    """Create the per-user default store on first use; True when it was created."""
    if path.exists() or path.is_symlink():
        return False
    private_directory(path.parent)
    try:
        create_store(path)
    except OperationError:
        return False  # another process created it a moment ago
    return True


class Store:
    """One store file: the backlog as last read or saved, and the way to change it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.target = Path(os.path.realpath(path))
        self._data: dict[str, Any] = {}
        self._raw = b""  # the bytes last read or written; compared, not hashed
        self._signature: Signature | None = None
        self._backlog: Backlog | None = backlog_from_data({})  # None: built when first read
        self._generation = 0  # counts states; a snapshot read before a save is stale
        self._remembered: bytes | None = None  # the bytes whose parse the cache holds
        self.cache_behind: int | None = None
        """How many differences the last open caught up with from the parse cache (0: the
        cache held these very bytes); None when it parsed the file whole."""
        # Saves run in a worker thread while the UI reads: the state changes under this lock,
        # so a reader never pairs one version's bytes with another's data.
        self._state_lock = threading.Lock()
        self._lexed: Lexed | None = None  # where the tables of `_raw`'s text are, once known
        self.last_backup: Path | None = None
        """The copy of the file as it was before the last save, if one could be kept."""
        self.on_wait: Callable[[str], None] | None = None
        """Told who holds the lock when a save has waited a second for it."""
        self.merged = False
        """True when the last save merged someone else's write (the file had changed)."""

    @classmethod
    def open(cls, path: Path, cached: bool = False, build: bool = True) -> Store:
        """Read the store at `path` (through a symlink, if it is one).

        With `cached`, a large file is read from the parse cache (see `read_snapshot`).
        Without `build`, the backlog is built when first read, or item by item (a command
        that changes one item: see `backlog_of`).
        """
        store = cls(path)
        store.reload(cached, build)
        return store

    def deleted_records(self) -> list[dict[str, Any]]:
        """What the file keeps of deleted items (`[[deleted]]`), oldest first."""
        records = self._data.get("deleted", [])
        return [r for r in records if isinstance(r, dict)] if isinstance(records, list) else []

    def remember(self, only_if_behind: int = 0) -> None:
        """Keep the current parse in the cache, for a fast open next time (if it is new and
        the file is large enough to be worth it).

        Called on leaving the board, never before the first paint (it would only delay
        it) nor while the board is in use: pickling holds the GIL, 0.4 s at 10,000 items.
        A command calls it as it ends, with `only_if_behind`: its parse is kept only when
        its open found no usable entry or caught up with that many differences from it (a
        nearer entry is cheaper to catch up with than to write again)."""
        from modelboard.core.parse_cache import WORTH_CACHING, remember

        with self._state_lock:
            raw, data, lexed = self._raw, self._data, self._lexed
        if raw is self._remembered or len(raw) < WORTH_CACHING:
            return
        if self.cache_behind is not None and self.cache_behind < only_if_behind:
            return
        if lexed is None:  # an entry without it could not be caught up from
            with contextlib.suppress(UnicodeDecodeError):
                lexed = _lexing(text_of(raw)[0])
        remember(self.target, raw, data, lexed)
        self._remembered = raw

    @property
    def data(self) -> Mapping[str, Any]:
        """The file's data as last read or saved (not to be changed)."""
        return self._data

    def item_tables(self, item_ids: Iterable[str]) -> dict[str, Mapping[str, Any]]:
        """The items' tables as last read or saved (absent ones left out)."""
        items = self._data.get("items", {})
        return {item_id: items[item_id] for item_id in item_ids if item_id in items}

    @property
    def backlog(self) -> Backlog:
        """The backlog as last read or saved. After a save that merged someone else's write
        it is built when first read (a command that saved and ends never builds it: 20 ms
        at 1,000 items); the board reads it in the save's worker thread."""
        with self._state_lock:
            backlog, data, generation = self._backlog, self._data, self._generation
        if backlog is not None:
            return backlog
        with _no_cycle_collection():
            built = backlog_from_data(data)
        with self._state_lock:
            if self._generation == generation and self._backlog is None:
                self._backlog = built
        return built

    def backlog_of(self, item_ids: Collection[str]) -> Backlog:
        """The backlog with just these items built (the board and the records whole): a
        command that changes one item builds one, not a thousand (20 ms at 1,000 items).
        The whole backlog when it is built already, or an id is not an item of the file (so
        that what says so can list the ids there are)."""
        with self._state_lock:
            backlog, data = self._backlog, self._data
        items = data.get("items")
        if (
            backlog is not None
            or not isinstance(items, dict)
            or any(i not in items for i in item_ids)
        ):
            return self.backlog
        some = backlog_from_data(data, only=item_ids)
        return some if all(i in some.items for i in item_ids) else self.backlog

    def reload(self, cached: bool = False, build: bool = True) -> None:
        """Read the file again, whatever it holds now."""
        self.adopt(self.read_snapshot(cached, build))

    def read_snapshot(self, cached: bool = False, build: bool = True) -> Snapshot:
        """Read and parse the file without changing this store (safe in a worker thread).
        With `cached`, a large file is read from the parse cache: as kept when its bytes
        are the same, caught up with when a few item tables changed since. Without
        `build`, the backlog is left to be built when first read."""
        generation = self._generation
        raw, info = self._read()
        with _no_cycle_collection():
            parsed = self._from_cache(raw) if cached else None
            behind = None if parsed is None else parsed.behind
            if parsed is None:
                raw, info, data = self._parsed_once_written(raw, info)
                parsed = _Parsed(raw, data, None)
            backlog = backlog_from_data(parsed.data) if build else None
        return Snapshot(
            parsed.raw,
            parsed.data,
            Signature.of(info),
            backlog,
            generation,
            parsed.lexed,
            behind,
        )

    def _from_cache(self, raw: bytes) -> _Parsed | None:
        """The cached parse made this file's (see `read_snapshot`); None for a small file,
        no entry, or a change that is not only item tables."""
        from modelboard.core.parse_cache import WORTH_CACHING, cached_parse

        entry = cached_parse(self.target) if len(raw) >= WORTH_CACHING else None
        if entry is None:
            return None
        kept = _Parsed(*entry)
        if kept.raw == raw:
            self._remembered = raw
            return kept
        return self._caught_up_only(raw, kept)

    def _parsed_once_written(
        self, raw: bytes, info: os.stat_result
    ) -> tuple[bytes, os.stat_result, dict[str, Any]]:
        """The file parsed. One that does not parse, or is blank, may be a teammate's editor
        writing it in place (editors empty the file first): it is read again a moment later,
        while it keeps changing, before its error is said (or its emptiness believed)."""
        for _ in range(OPEN_LOOKS):
            try:
                data = parse_store(raw, self.path)
            except StoreUnreadableError:
                data = None
            if data is not None and raw.strip():
                return raw, info, data
            time.sleep(OPEN_LOOK_STEP)
            again, again_info = self._read()
            if again == raw:
                break
            raw, info = again, again_info
        return raw, info, parse_store(raw, self.path)

    def adopt(self, snapshot: Snapshot) -> bool:
        """Take a snapshot as the current state, unless a save came after it was read."""
        with self._state_lock:
            if snapshot.generation != self._generation:
                return False
            self._raw = snapshot.raw
            self._data = snapshot.data
            self._signature = snapshot.signature
            self._backlog = snapshot.backlog
            self._lexed = snapshot.lexed
            self.cache_behind = snapshot.cache_behind
            self._generation += 1
        return True

    def previewed(self, changes: Iterable[Change]) -> Backlog:
        """The backlog as it will be once these changes are saved, built without saving.

        Only edits and deletions of items are shown early: an added item needs the id its
        save gives it, and settings and records are shown once saved. A change whose item
        has gone from the file since is left out (its save will say why)."""
        with self._state_lock:
            data = self._data
        backlog = self.backlog
        for change in changes:
            if not shown_early(change):
                continue
            if any(item_id not in data.get("items", {}) for item_id in change.item_ids):
                continue
            data = _copied(data)
            apply_to_data(data, change)
            backlog = _rebuilt(backlog, data, change)
        return backlog

    def changed_on_disk(self) -> bool:
        """True when the file no longer holds what this store last read or wrote.

        `stat` first (cheap, for polling), then the content, which is what decides.
        """
        try:
            info = os.stat(self.target)
        except OSError:
            return True
        if self._signature == Signature.of(info):
            return False
        try:
            raw, info = self._read()
        except StoreUnreadableError:
            return True
        if raw == self._raw:
            self._signature = Signature.of(info)
            return False
        return True

    def save(self, change: Change, base: Mapping[str, Mapping[str, Any]] | None = None) -> Change:
        """Commit a change to the file; return it as applied (new items carry their ids).

        `base` gives, for some items, the table the change was made against when that is older
        than what this store holds (an editor open while a teammate's save came in, or the
        state right after a change that is being undone), so that their save counts as theirs
        in the merge. Raises ConflictError or SaveError with the file untouched, and
        StoreUnreadableError when someone else left a file that does not parse.
        """
        # The save path's modules load here, so that listings start fast.
        from modelboard.core.atomic import ChangedMeanwhile, locked, write_atomically
        from modelboard.core.backups import (
            backup_folder,
            discard_backup,
            keep_backup,
            made_private,
            prune_backups,
        )
        from modelboard.core.splice import spliced_lexed

        if not change.steps:
            return change
        self._refuse_if_read_only()
        # Everything but comparing, splicing and writing is done before the lock: the file
        # as read is lexed, and a teammate's save since is caught up with (or parsed).
        mine = _Parsed(self._raw, self._data, self._lexed)
        if mine.lexed is None:
            mine = replace(mine, lexed=_lexing(text_of(mine.raw)[0]))
        latest = self._read_ahead(mine) or mine
        rehearsal: Rehearsal = {}
        self._rehearse(change, base, latest, rehearsal)
        folder = backup_folder(self.target)
        seen, landed = "", 0

        def keep_up(note: str) -> None:
            """While waiting, catch up with the saves ahead in the queue as they land (the
            lock file's note changes), every KEEP_UP_EVERY of them: the lock then finds
            this save a few saves behind, and a teammate's change that must be parsed
            whole (a setting, a delete's record) most often parsed already."""
            nonlocal latest, seen, landed
            if note != seen:
                seen, landed = note, landed + 1
                if landed % KEEP_UP_EVERY == 0:
                    latest = self._kept_up(latest, note)

        with locked(self.target, on_wait=self.on_wait, meanwhile=keep_up) as held:
            for _ in range(SAVE_ATTEMPTS):
                raw, info = self._read()
                same = raw == self._raw
                if raw != latest.raw:  # the save just before this one, most often
                    if not _written_whole(held.previous, info):
                        raw, info = self._settled(raw, info, lambda: held.previous)
                    latest = self._caught_up(raw, latest)
                theirs, known = latest.data, latest.lexed
                writable_shape(theirs, self.path)
                applied = self._rebased(change, base, theirs)
                text, newline = text_of(raw)
                new_text, new_lexed = (
                    spliced_lexed(text, theirs, applied, known, rehearsal, latest.where)
                    if applied.steps
                    else (text, known)
                )
                new_data = _copied(theirs)
                apply_to_data(new_data, applied)
                if newline != "\n":
                    new_text = new_text.replace("\n", newline)
                new_raw = new_text.encode("utf-8")
                self.last_backup = None
                if new_raw == raw:
                    break
                backup = keep_backup(folder, self.target, raw, info)
                try:
                    write_atomically(self.target, new_raw, partial(self._still, raw, info))
                except ChangedMeanwhile:
                    discard_backup(backup)
                    continue  # an editor or git wrote it just now: merge with that instead
                except BaseException:
                    discard_backup(backup)
                    raise
                self.last_backup = made_private(backup)
                break
            else:
                raise SaveError(
                    f"{self.path} kept changing while this change was being saved; "
                    "nothing was written, try again"
                )
            written = os.stat(self.target)
            signature = Signature.of(written)
            held.note(_written_note(written))
        prune_backups(folder)
        self.merged = not same
        backlog: Backlog | None = None  # a merge's, or one not built yet: built when first read
        with self._state_lock:
            built = self._backlog
        if same and built is not None and all(s.item_id is not None for s in applied.steps):
            backlog = _rebuilt(built, new_data, applied)
        with self._state_lock:
            self._signature = signature
            self._raw = new_raw
            self._data = new_data
            self._backlog = backlog
            self._lexed = new_lexed
            self._generation += 1
        return applied

    @property
    def read_only(self) -> bool:
        """True when this user may not replace the file: they may not write it (a rename
        needs only the folder, so without this check it would be rewritten anyway), may not
        write its folder, or the folder is sticky and neither it nor the file is theirs."""
        if not self.target.exists():
            return False
        folder = self.target.parent
        if not os.access(self.target, os.W_OK) or not os.access(folder, os.W_OK | os.X_OK):
            return True
        try:
            uid, folder_info = os.getuid(), folder.stat()
            sticky = bool(folder_info.st_mode & stat.S_ISVTX)
            theirs = self.target.stat().st_uid != uid and folder_info.st_uid != uid
        except OSError:
            return False
        return sticky and theirs and uid != 0

    def _refuse_if_read_only(self) -> None:
        if self.read_only:
            raise SaveError(
                f"read-only: you may not write {self.path}; nothing was changed "
                "(ask its owner for write access, for example through its group)"
            )

    def _rehearse(
        self,
        change: Change,
        base: Mapping[str, Mapping[str, Any]] | None,
        latest: _Parsed,
        rehearsal: Rehearsal,
    ) -> None:
        """Render the change's blocks on the file as read ahead, before the lock is taken:
        holding it, the splice then reuses every block nobody else changed meanwhile."""
        from modelboard.core.splice import rehearse

        if latest.lexed is None:
            return
        try:
            applied = self._rebased(change, base, latest.data)
            rehearse(
                text_of(latest.raw)[0], latest.data, applied, latest.lexed, rehearsal, latest.where
            )
        except Exception:  # a conflict or a layout the splice refuses: met again, and said,
            return  # holding the lock, where it counts

    def _rebased(
        self,
        change: Change,
        base: Mapping[str, Mapping[str, Any]] | None,
        theirs: Mapping[str, Any],
    ) -> Change:
        """The change made on this store's data (or `base`), rebased on `theirs`."""
        from modelboard.core.merge import rebase

        return rebase(
            change,
            {**self._data.get("items", {}), **(base or {})},
            theirs.get("items", {}),
            deleted_ids(theirs),
            theirs,
        )

    def _read_ahead(self, mine: _Parsed) -> _Parsed | None:
        """Someone else's save, settled and caught up with (or parsed) before the lock is
        taken, so that a save holding the lock most often only compares bytes. None when the
        file is as this store last saw it, or cannot be read just now (the save, under the
        lock, then reads it again and says why)."""
        from modelboard.core.atomic import last_note

        try:
            raw, info = self._read_whole(lambda: last_note(self.target))
            return None if raw == mine.raw else self._caught_up(raw, mine)
        except ModelboardError:
            return None

    def _kept_up(self, latest: _Parsed, note: str) -> _Parsed:
        """`latest`, or the file on disk caught up with when a save wrote it whole (as
        `note`, from the lock file, says) since; never waits for anything to settle."""
        try:
            raw, info = self._read()
            if raw == latest.raw or not _written_whole(note, info):
                return latest
            return self._caught_up(raw, latest)
        except ModelboardError:
            return latest

    def _caught_up(self, raw: bytes, base: _Parsed) -> _Parsed:
        """`raw` parsed: from `base` by parsing only the item tables that differ, when that
        is all that differs; else whole (StoreUnreadableError when it does not parse)."""
        found = self._caught_up_only(raw, base)
        if found is not None:
            return found
        data = parse_store(raw, self.path)
        try:
            text: str | None = text_of(raw)[0]
        except UnicodeDecodeError:
            text = None
        return _Parsed(raw, data, _lexing(text) if text is not None else None)

    def _caught_up_only(self, raw: bytes, base: _Parsed) -> _Parsed | None:
        """`raw` parsed from `base` by parsing only the item tables that differ; None when
        something else differs (or `base` has no lexing)."""
        from modelboard.core.catch_up import caught_up

        if base.lexed is None or lone_carriage_return(raw):
            return None
        try:
            found = caught_up(
                text_of(base.raw)[0], base.data, base.lexed, text_of(raw)[0], base.where
            )
        except Exception:  # a shortcut that cannot be sure (or text that does not decode,
            return None  # which the whole parse names)
        return None if found is None else _Parsed(raw, *found)

    def _read_whole(self, note: Callable[[], str]) -> tuple[bytes, os.stat_result]:
        """The file, once whoever wrote it has finished: at once when `note` (what the last
        saver left in the lock file) shows a save wrote it by rename, whole. The note is
        read before and after the file, so a save landing in between is recognised too."""
        before = note()
        raw, info = self._read()
        if raw == self._raw or _written_whole(before, info) or _written_whole(note(), info):
            return raw, info
        return self._settled(raw, info, note)

    def _settled(
        self, raw: bytes, info: os.stat_result, note: Callable[[], str]
    ) -> tuple[bytes, os.stat_result]:
        """The file someone else changed, once they have finished writing it.

        Editors that write in place empty the file first: a save must never take an empty or
        half-written file for the backlog. So the new content must stay the same for a
        moment, and an empty file is waited for and then refused. A file a save wrote in the
        meantime (by rename, whole) is taken at once: saves in a row are not an editor.
        """
        deadline = time.monotonic() + SETTLE_SECONDS
        while True:
            time.sleep(SETTLE_STEP)
            again, again_info = self._read()
            if again == raw and Signature.of(again_info) == Signature.of(info) and raw.strip():
                return raw, info
            if _written_whole(note(), again_info):
                return again, again_info
            if time.monotonic() >= deadline:
                what = "is empty on disk" if not again.strip() else "kept changing"
                raise SaveError(
                    f"{self.path} {what} while this change was being saved (someone is writing "
                    "it); nothing was written, try again"
                )
            raw, info = again, again_info

    def _still(self, raw: bytes, info: os.stat_result) -> bool:
        """True when the file on disk is still the one read (by `stat`, then by its bytes)."""
        try:
            now = os.stat(self.target)
        except OSError:
            return False
        if Signature.of(now) == Signature.of(info):
            return True
        try:
            return self._read()[0] == raw
        except StoreUnreadableError:
            return False

    def _read(self) -> tuple[bytes, os.stat_result]:
        for attempt in range(3):
            try:
                # O_NONBLOCK: a FIFO put where the store was must not hang the open
                fd = os.open(self.target, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
                with os.fdopen(fd, "rb") as handle:
                    info = os.fstat(fd)
                    if not stat.S_ISREG(info.st_mode):
                        raise StoreUnreadableError(f"{self.path} is not a regular file")
                    return handle.read(), info
            except FileNotFoundError:
                raise StoreUnreadableError(
                    f"no store at {self.path}; create one with: modelboard init {self.path}"
                ) from None
            except OSError as error:
                # Another NFS client replaced the file under us: open it again.
                if error.errno == errno.ESTALE and attempt < 2:
                    time.sleep(0.05)
                    continue
                raise StoreUnreadableError(f"cannot read {self.path}: {error.strerror}") from None
        raise SaveError(f"cannot read {self.path}")  # pragma: no cover - loop always returns


def shown_early(change: Change) -> bool:
    """True for a change the board can show before its save ends: edits and deletions of
    items (an added item needs the id its save gives it; settings wait for the save)."""
    return all(isinstance(step, ItemEdit | ItemDelete) for step in change.steps)


@contextlib.contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """No cycle collection while a backlog is built: millions of new objects set off full
    collections of the whole heap (5 of 16 s of an open at 50,000 items; 1.4 s each). The
    data is a tree, freed by reference counting; the app freezes it once shown."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _lexing(text: str) -> Lexed | None:
    """Where the tables of the text are; None for a layout the splice does not vouch for
    (the save then takes the whole-document path)."""
    from modelboard.core.toml_layout import UnusualLayout, lex

    try:
        return lex(text)
    except UnusualLayout:
        return None


def lone_carriage_return(raw: bytes) -> bool:
    """True when the bytes hold a carriage return that is not part of a CRLF: tomllib refuses
    it, but `text_of` can make "\r\r\n" read as a CRLF, so such bytes are never caught up
    with (the whole parse names where the file goes wrong)."""
    return raw.count(b"\r") != raw.count(b"\r\n")


def text_of(raw: bytes) -> tuple[str, str]:
    """The file's text with `\n` line ends, and the line end it uses (kept when saving)."""
    text = raw.decode("utf-8")
    if "\r\n" in text and "\n" not in text.replace("\r\n", ""):
        return text.replace("\r\n", "\n"), "\r\n"
    return text, "\n"


def _copied(data: dict[str, Any]) -> dict[str, Any]:
    """A copy deep enough for `apply_to_data`, which replaces item tables and appends."""
    copy = dict(data)
    copy["items"] = dict(data.get("items", {}))
    if "deleted" in data:
        copy["deleted"] = list(data["deleted"])
    return copy


def _rebuilt(backlog: Backlog, data: dict[str, Any], change: Change) -> Backlog:
    """The backlog after a change to items only: rebuild just the items it touched."""
    items = dict(backlog.items)
    touched = set(change.item_ids)
    problems = [p for p in backlog.problems if p.item_id not in touched]
    for item_id in touched:
        table = data["items"].get(item_id)
        if table is None:
            items.pop(item_id, None)
        else:
            items[item_id] = item_from_table(item_id, table, backlog.board, problems)
    deleted = backlog.deleted_ids | {i for i in touched if i not in data["items"]}
    return replace(backlog, items=items, deleted_ids=frozenset(deleted), problems=tuple(problems))
