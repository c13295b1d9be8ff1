"""What goes wrong with a store, in words a user can act on; the engines translate their drivers' errors into these,
so nothing outside the store catches a driver's exception."""
from __future__ import annotations

BUSY_TIMEOUT_S = 10        # how long a write waits for another writer before it gives up


class StoreError(Exception):
    """The store can't be used (a folder, missing, read-only, full, damaged, locked, unreachable), in one line."""


class Conflict(StoreError):
    """A write broke one of the store's rules (an id, or a text, stored twice)."""
