"""Typed events read from each sentence: visits, front lines and diplomatic flows.

One module per kind (``visits``, ``flows``, ``front_lines``), named once in ``kinds.KINDS``;
the trigger lexicon (``triggers``) and actor roles (``roles``) come from ``data/``. Each rule
works on one ``SentenceView``, so it can be tried on a single sentence; ``extract`` runs them over an article.

Only ``kinds`` is imported with the package: the app reads the kinds and never extracts, and the rules' modules
cost a server's first page 0.05 s. The rest of ``__all__`` is imported when first asked for (PEP 562).
"""
from __future__ import annotations

from importlib import import_module

from .kinds import EVENT_TYPES, KINDS, EventKind

_LAZY = {"extract_events": "extract", "sentence_views": "extract", "Trigger": "triggers",
         "TriggerTableError": "triggers", "load_triggers": "triggers", "publication_window": "sentence"}

__all__ = ["EVENT_TYPES", "KINDS", "EventKind", *_LAZY]


def __getattr__(name: str):
    """``extract_events`` and the others of ``_LAZY``, from their module, on first use."""
    if name in _LAZY:
        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
