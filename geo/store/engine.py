"""An open store, whatever engine holds it: the one place where SQL reaches a database driver.

The store's code writes its SQL once, with ``?`` parameters, and runs it through ``execute``; an engine's module
(``sqlite``, ``postgres``) opens the database, adapts what differs and turns its driver's errors into StoreError.
Both run in autocommit: a write is ``with conn.transaction():``, which also counts the write (``version``), so a
reader (the app's cache) can tell the store changed.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator


class Connection:
    """A store's connection: ``execute``, ``executemany``, ``transaction``, ``version`` and ``close``."""
    dialect = ""

    def __init__(self, raw, location: str):
        self.raw = raw
        self.location = location        # a path, or a URL without its password: for messages
        self._depth = 0

    # -- what each engine fills in ---------------------------------------------------------------------------------
    def _sql(self, sql: str) -> str:
        return sql

    def _error(self, e: Exception) -> Exception:
        """The driver's error as a StoreError (or None when ``e`` is not the driver's)."""
        raise NotImplementedError

    def _begin(self) -> None:
        self.raw.execute("BEGIN")

    def lock_for_save(self) -> None:
        """Inside a transaction: no other process saves an article until it ends (readers go on)."""

    def schema_version(self) -> int:
        raise NotImplementedError

    # -- shared ----------------------------------------------------------------------------------------------------
    def execute(self, sql: str, params=()):
        try:
            return self.raw.execute(self._sql(sql), params)
        except Exception as e:  # noqa: BLE001 - only the driver's errors are translated; the rest go on as they are
            raise self._translated(e) from None

    def executemany(self, sql: str, rows) -> None:
        rows = list(rows)
        if not rows:
            return
        try:
            self.raw.cursor().executemany(self._sql(sql), rows)
        except Exception as e:  # noqa: BLE001
            raise self._translated(e) from None

    def _translated(self, e: Exception) -> Exception:
        return self._error(e) or e

    @contextmanager
    def transaction(self) -> Iterator["Connection"]:
        """One transaction (nested ones join the outer one): all of it is written, or none of it."""
        if self._depth:
            self._depth += 1
            try:
                yield self
            finally:
                self._depth -= 1
            return
        try:
            self._begin()
        except Exception as e:  # noqa: BLE001
            raise self._translated(e) from None
        self._depth = 1
        try:
            yield self
            self.execute("UPDATE meta SET value = value + 1 WHERE key = 'writes'")
            self.execute("COMMIT")
        except BaseException:
            try:
                self.raw.execute("ROLLBACK")
            except Exception:  # noqa: BLE001 - the first error is the one to report
                pass
            raise
        finally:
            self._depth = 0

    @property
    def in_transaction(self) -> bool:
        return self._depth > 0

    def version(self) -> int:
        """A number that grows with every write to the store, by any process."""
        return int(self.execute("SELECT value FROM meta WHERE key = 'writes'").fetchone()[0])

    def close(self) -> None:
        self.raw.close()

    def __enter__(self) -> "Connection":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
