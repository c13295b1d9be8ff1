"""Optional neural NER: CAMeL Tools' ``NERecognizer`` over each sentence, mapped back to the text.

Off unless a model is found: ``load_ner(model_dir)`` takes the directory from its argument, else
from ``$ATLAS_NER_MODEL``, else from where ``camel_data -i ner-arabert`` installs it
(``$CAMELTOOLS_DATA`` or ``~/.camel_tools``, then ``data/ner/arabert``). ``ATLAS_NER_MODEL=off``
turns it off even when that model is installed. Without a model it returns ``None``; a directory
that was asked for but cannot be used is reported once per process, as a warning.

Nothing here imports torch, transformers or ``camel_tools.ner`` until a model is actually loaded.
``camel_tools.ner`` imports ``camel_tools.data``, which at import time reads a ``catalogue.json``
from the CAMeL data folder and, when there is none, downloads one (a request without a timeout).
Where ``camel_data`` has installed data the catalogue is there; otherwise the import is given a
throw-away folder holding an empty catalogue (``CAMELTOOLS_DATA`` is set for the import only and
restored right after), so loading a model never touches the network. Side effect of camel_tools
itself: the import creates an empty ``~/.camel_tools`` folder.
"""
from __future__ import annotations

import bisect
import json
import logging
import os
import sys
import tempfile
import threading
from pathlib import Path
from typing import NamedTuple

from .model import Sentence
from .text import Token, is_punct

log = logging.getLogger(__name__)

ENV_MODEL = "ATLAS_NER_MODEL"
OFF_VALUES = {"0", "off", "no", "none", "false", "disabled"}
ENTITY_TYPES = ("LOC", "PERS", "ORG", "MISC")
# Other tag sets, folded onto ANERcorp's (which CAMeL's models use).
_TYPE_ALIASES = {"PER": "PERS", "PERSON": "PERS", "LOCATION": "LOC", "GPE": "LOC", "FAC": "LOC",
                 "ORGANIZATION": "ORG", "ORGANISATION": "ORG"}
_WEIGHTS = ("model.safetensors", "pytorch_model.bin")
_EMPTY_CATALOGUE = {"version": "1.6.0", "packages": {}, "components": {}}

_reported: set[str] = set()
_lock = threading.Lock()


class Entity(NamedTuple):
    """A named entity as character offsets into the original text (end exclusive) and its type."""
    start: int
    end: int
    label: str      # LOC | PERS | ORG | MISC


def report_once(key: str, message: str, level: int = logging.WARNING) -> None:
    """Log ``message`` the first time ``key`` is seen in this process."""
    with _lock:
        if key in _reported:
            return
        _reported.add(key)
    log.log(level, message)


# --- finding the model ----------------------------------------------------------------------------

def camel_data_dir() -> Path:
    """Where CAMeL Tools keeps its data, computed as camel_tools does but without importing it."""
    env = os.environ.get("CAMELTOOLS_DATA")
    if env is not None:
        return Path(env).expanduser().absolute()
    home = Path.home()
    return home / "AppData/Roaming/camel_tools" if sys.platform == "win32" else home / ".camel_tools"


def installed_model_dir() -> Path:
    """Where ``camel_data -i ner-arabert`` puts the default model."""
    return camel_data_dir() / "data" / "ner" / "arabert"


def model_problem(model_dir: Path) -> str | None:
    """Why ``model_dir`` can't be loaded as a token classifier, or None when it looks complete."""
    if not model_dir.is_dir():
        return "no such directory"
    config = model_dir / "config.json"
    if not config.is_file():
        return "no config.json"
    try:
        labels = json.loads(config.read_text(encoding="utf-8")).get("id2label") or {}
    except (OSError, ValueError, AttributeError) as e:
        return f"config.json unreadable ({e})"
    if not any(entity_type(str(v)) in ("LOC", "PERS", "ORG") for v in labels.values()):
        return "config.json has no id2label with LOC/PERS/ORG labels"
    if not any((model_dir / w).is_file() for w in _WEIGHTS):
        return "no model.safetensors (or pytorch_model.bin)"
    if not (model_dir / "vocab.txt").is_file():
        return "no vocab.txt"
    return None


def resolve_model_dir(model_dir: str | os.PathLike | None = None) -> tuple[Path | None, bool]:
    """The directory to load and whether it was asked for explicitly (argument or environment)."""
    if model_dir is not None and str(model_dir).strip():
        value = str(model_dir).strip()
    else:
        value = os.environ.get(ENV_MODEL, "").strip()
    if value.lower() in OFF_VALUES:
        return None, True
    if value:
        return Path(value).expanduser(), True
    return installed_model_dir(), False


def load_ner(model_dir: str | os.PathLike | None = None, *, use_gpu: bool = False,
             batch_size: int = 32) -> NerRecognizer | None:
    """The recognizer for ``model_dir`` (else ``$ATLAS_NER_MODEL``, else CAMeL's installed model),
    or None, reported once, when there is no usable model."""
    path, explicit = resolve_model_dir(model_dir)
    if path is None:
        return None
    problem = model_problem(path)
    if problem is not None:
        if explicit:
            report_once(f"missing:{path}",
                        f"neural NER is off: the model directory {path} cannot be used ({problem}). It needs "
                        "config.json with id2label, model.safetensors and vocab.txt, as `camel_data -i ner-arabert` "
                        f"installs under {installed_model_dir()}. Set --ner-model or ${ENV_MODEL} to such a "
                        "directory, or to 'off'.")
        else:
            report_once("not-installed",
                        f"neural NER is off: no model at {path} (install it with `camel_data -i ner-arabert`, "
                        f"or point --ner-model / ${ENV_MODEL} at a model directory)", logging.INFO)
        return None
    try:
        recognizer_class = import_recognizer()
        recognizer = recognizer_class(str(path), use_gpu=use_gpu)
    except ModuleNotFoundError as e:   # the default install has no torch or transformers
        report_once(f"failed:{path}", f"neural NER is off: {e} (install the NER's packages with "
                                      "`pip install -r requirements-ner.txt`)")
        return None
    except Exception as e:  # a broken model must not stop the lexicon path
        report_once(f"failed:{path}", f"neural NER is off: loading {path} failed: {type(e).__name__}: {e}")
        return None
    log.info("neural NER on: %s", path)
    return NerRecognizer(recognizer, path, batch_size)


def import_recognizer():
    """``camel_tools.ner.NERecognizer``, imported without any download (see the module's docstring)."""
    if "camel_tools.ner" in sys.modules or "camel_tools.data" in sys.modules:
        from camel_tools.ner import NERecognizer
        return NERecognizer
    if (camel_data_dir() / "catalogue.json").is_file():
        from camel_tools.ner import NERecognizer
        return NERecognizer
    saved = os.environ.get("CAMELTOOLS_DATA")
    with tempfile.TemporaryDirectory(prefix="atlas-camel-") as tmp:
        (Path(tmp) / "catalogue.json").write_text(json.dumps(_EMPTY_CATALOGUE), encoding="utf-8")
        os.environ["CAMELTOOLS_DATA"] = tmp
        try:
            from camel_tools.ner import NERecognizer
        finally:
            if saved is None:
                os.environ.pop("CAMELTOOLS_DATA", None)
            else:
                os.environ["CAMELTOOLS_DATA"] = saved
    return NERecognizer


# --- labels to spans ----------------------------------------------------------------------------

def entity_type(label: str) -> str:
    """``B-LOC`` -> ``LOC``; ``I-PER`` -> ``PERS``; ``O`` -> ``""``."""
    if not label or label == "O":
        return ""
    kind = label[2:] if len(label) > 2 and label[1] in "-_" and label[0] in "BIESLU" else label
    kind = kind.upper()
    return _TYPE_ALIASES.get(kind, kind)


def decode(labels: list[str], tokens: list[Token]) -> list[Entity]:
    """BIO (also BIOES, IO) labels, one per token, to entities spanning whole tokens.

    An ``I-`` after ``O`` or after another type starts an entity, as conlleval reads it.
    Punctuation at an entity's edges is left out.
    """
    out: list[Entity] = []
    current: list[int] = []     # token indices of the open entity
    kind = ""

    def close():
        while current and is_punct(tokens[current[-1]].text):
            current.pop()
        while current and is_punct(tokens[current[0]].text):
            current.pop(0)
        if current and kind:
            out.append(Entity(tokens[current[0]].start, tokens[current[-1]].end, kind))
        current.clear()

    for i, label in enumerate(labels):
        t = entity_type(label)
        prefix = label[:1] if t and len(label) > 2 and label[1] in "-_" else "I"
        if not t:
            close()
            kind = ""
            continue
        if prefix in "BSU" or t != kind:
            close()
            kind = t
        current.append(i)
        if prefix in "ESLU":
            close()
            kind = ""
    close()
    return out


class NerRecognizer:
    """CAMeL's ``NERecognizer`` (or anything with its ``predict``) over our tokens and sentences.

    With a CAMeL recognizer, ``fast`` runs its model and tokenizer directly, labelling exactly as
    ``NERecognizer.predict`` does (a word takes the label of its first word piece; words the
    tokenizer reads as nothing are skipped; a sentence longer than 254 pieces is cut into segments)
    but padding each batch only to its longest segment rather than to 256 pieces, and without the
    per-piece overhead of CAMeL's alignment: the same labels, several times faster on CPU.
    """

    MAX_PIECES = 256 - 2        # CAMeL's max_seq_length, less [CLS] and [SEP]

    def __init__(self, recognizer, model_dir: Path | str = "", batch_size: int = 32, fast: bool = True):
        self.recognizer = recognizer
        self.model_dir = Path(model_dir) if model_dir else None
        self.batch_size = batch_size
        self.fast = fast
        self.failed = False
        self._pieces: dict[str, list[int]] = {}     # word -> piece ids: news repeats its words

    def __repr__(self) -> str:
        return f"NerRecognizer({str(self.model_dir)!r})"

    def predict(self, sentences: list[list[str]]) -> list[list[str]]:
        """One label per word of each sentence (CAMeL drops words its tokenizer reads as nothing,
        e.g. a lone direction mark; those get ``O``)."""
        if not sentences:
            return []
        r = self.recognizer
        if self.fast and hasattr(r, "model") and hasattr(r, "tokenizer") and "predict" not in vars(r):
            predicted = self._predict_direct(sentences)
        elif self._takes_batch_size():
            predicted = r.predict(sentences, batch_size=self.batch_size)
        else:
            predicted = r.predict(sentences)
        return [self._align(words, labels) for words, labels in zip(sentences, predicted)]

    def _predict_direct(self, sentences: list[list[str]]) -> list[list[str]]:
        import torch

        tokenizer, model = self.recognizer.tokenizer, self.recognizer.model
        id2label = self.recognizer.labels_map
        segments: list[tuple[int, list[int], list[bool]]] = []    # (sentence, piece ids, first piece of a word)
        cache = self._pieces
        if len(cache) > 200_000:
            cache.clear()
        for si, words in enumerate(sentences):
            ids: list[int] = []
            firsts: list[bool] = []
            for w in words:
                pieces = cache.get(w)
                if pieces is None:
                    pieces = cache[w] = tokenizer.convert_tokens_to_ids(tokenizer.tokenize(w))[:self.MAX_PIECES]
                if not pieces:
                    continue
                if len(ids) + len(pieces) > self.MAX_PIECES:
                    segments.append((si, ids, firsts))
                    ids, firsts = [], []
                ids += pieces
                firsts += [True] + [False] * (len(pieces) - 1)
            segments.append((si, ids, firsts))
        out: list[list[str]] = [[] for _ in sentences]
        order = sorted(range(len(segments)), key=lambda i: len(segments[i][1]))   # similar lengths together
        labels_of: dict[int, list[str]] = {}
        cls, sep, pad = tokenizer.cls_token_id, tokenizer.sep_token_id, tokenizer.pad_token_id or 0
        device = next(model.parameters()).device
        model.eval()
        with torch.inference_mode():
            for b in range(0, len(order), self.batch_size):
                batch = order[b:b + self.batch_size]
                width = max(len(segments[i][1]) for i in batch) + 2
                input_ids = torch.full((len(batch), width), pad, dtype=torch.long)
                mask = torch.zeros((len(batch), width), dtype=torch.long)
                for row, i in enumerate(batch):
                    seq = [cls, *segments[i][1], sep]
                    input_ids[row, :len(seq)] = torch.tensor(seq)
                    mask[row, :len(seq)] = 1
                logits = model(input_ids=input_ids.to(device), attention_mask=mask.to(device),
                               token_type_ids=torch.zeros_like(input_ids).to(device))[0]
                best = logits.argmax(-1).cpu().tolist()
                for row, i in enumerate(batch):
                    firsts = segments[i][2]
                    labels_of[i] = [id2label[best[row][j + 1]] for j, first in enumerate(firsts) if first]
        for i, (si, _, _) in enumerate(segments):
            out[si] += labels_of[i]
        return out

    def _takes_batch_size(self) -> bool:
        import inspect
        try:
            return "batch_size" in inspect.signature(self.recognizer.predict).parameters
        except (TypeError, ValueError):
            return False

    def _align(self, words: list[str], labels: list[str]) -> list[str]:
        if len(labels) == len(words):
            return list(labels)
        tokenizer = getattr(self.recognizer, "tokenizer", None)
        kept = [i for i, w in enumerate(words) if tokenizer is None or tokenizer.tokenize(w)]
        out = ["O"] * len(words)
        for i, label in zip(kept, labels):
            out[i] = label
        return out

    def find_entities(self, text: str, sentences: list[Sentence], tokens: list[Token]) -> list[Entity]:
        """Entities of the whole text, sentence by sentence, as spans of ``text`` (``text[start:end]``
        is the entity as written). A failing model is reported once and yields nothing."""
        starts = [t.start for t in tokens]
        groups = []
        for s in sentences:
            lo, hi = bisect.bisect_left(starts, s.start), bisect.bisect_left(starts, s.end)
            if hi > lo:
                groups.append(tokens[lo:hi])
        if not groups:
            return []
        try:
            labels = self.predict([[t.text for t in g] for g in groups])
        except Exception as e:  # never let the optional path break an ingest
            self.failed = True
            report_once(f"predict:{self.model_dir}", f"neural NER failed and is skipped: {type(e).__name__}: {e}")
            return []
        return [e for g, ls in zip(groups, labels) for e in decode(ls, g)]
