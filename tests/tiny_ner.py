"""A tiny random-weight BERT token classifier in CAMeL's NER layout, built on the spot (~150 KB).

It predicts random labels: it exercises loading, tokenization and label alignment, not accuracy.
Used by ``tests/test_ner.py`` and ``benchmarks/bench_ner.py``.
"""
from __future__ import annotations

import json
from pathlib import Path

LABELS = ["O", "B-LOC", "I-LOC", "B-PERS", "I-PERS", "B-ORG", "I-ORG", "B-MISC", "I-MISC"]
_LETTERS = "ءآأؤإئابةتثجحخدذرزسشصضطظعغفقكلمنهوىي"


def build_tiny_ner(path: Path, words: list[str] = (), seed: int = 0) -> Path:
    """Write config.json (with id2label), model.safetensors, vocab.txt and tokenizer_config.json."""
    import torch
    from transformers import BertConfig, BertForTokenClassification

    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    vocab += list(dict.fromkeys(w for w in words if w not in vocab))
    vocab += list(_LETTERS) + ["##" + c for c in _LETTERS] + list("0123456789.,،:؛!?؟()-\"'")
    (path / "vocab.txt").write_text("\n".join(dict.fromkeys(vocab)) + "\n", encoding="utf-8")
    config = BertConfig(vocab_size=len(dict.fromkeys(vocab)), hidden_size=32, num_hidden_layers=2,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=512,
                        id2label=dict(enumerate(LABELS)), label2id={label: i for i, label in enumerate(LABELS)})
    torch.manual_seed(seed)
    BertForTokenClassification(config).save_pretrained(path, safe_serialization=True)
    (path / "tokenizer_config.json").write_text(
        json.dumps({"do_lower_case": False, "tokenize_chinese_chars": True, "strip_accents": None}), encoding="utf-8")
    return path
