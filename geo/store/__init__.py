"""The store: one interface (connect, save, read events and documents, corrections, history, a version that changes
on every write) over two engines, each in its own module: ``sqlite`` (one file, the default) and ``postgres``
(a server, for hosting). ``connect`` takes a path or a ``postgresql://`` URL.

Nothing outside this package writes SQL or catches a driver's exception: errors come out as ``StoreError``.
"""
from .engine import Connection
from .errors import BUSY_TIMEOUT_S, Conflict, StoreError
from .repository import (DEFAULT_PATH, connect, content_hash, count, document_source, event_id, id_taken, identity,
                         read_document, read_events, save, store_target, stored_as,
                         stored_events)
from .schema import SCHEMA_VERSION

__all__ = ["BUSY_TIMEOUT_S", "Conflict", "Connection", "DEFAULT_PATH", "SCHEMA_VERSION", "StoreError", "connect",
           "content_hash", "count", "document_source", "event_id", "id_taken", "identity",
           "read_document", "read_events", "save", "store_target", "stored_as", "stored_events"]
