"""Small hand-made extractions for store tests: a few places and actors, and ``article``, which turns events given
as dicts (kind, place, day, sides) into an article of one sentence each, as ``geo.store.save`` takes it."""
from __future__ import annotations

from datetime import date

from geo.model import Actor, Article, Event, Extraction, Place, Sentence

PARIS = Place("fr-paris", "Paris", "باريس", "city", "FR", 48.8566, 2.3522)
DERNA = Place("ly-derna", "Derna", "درنة", "city", "LY", 32.767, 22.6367)
TRIPOLI = Place("ly-tripoli", "Tripoli", "طرابلس", "city", "LY", 32.8872, 13.1913)
MAGHAR = Place("ly-derna-maghar", "Al-Maghar (Derna)", "المغار", "district", "LY", 32.765, 22.631)
BENGHAZI = Place("ly-benghazi", "Benghazi", "بنغازي", "city", "LY", 32.1167, 20.0667)
HAFTAR = Actor("khalifa-haftar", "Khalifa Haftar", "خليفة حفتر", "person", "LNA", "ly-rajma")
LNA = Actor("lna", "Libyan National Army", "الجيش الوطني الليبي", "organisation", "LNA", "ly-rajma")
MACRON = Actor("emmanuel-macron", "Emmanuel Macron", "إيمانويل ماكرون", "person", "France", "fr-elysee")


def article(doc_id: str, outlet: str, published: str, *events: dict) -> Extraction:
    """An article of one sentence per event (``text``, else "<doc> sentence <i>"), and its extraction: each event
    as given (``kind``, ``place``, ``day`` and optional ``end``, ``precision``, ``actors``, ``counterparts``,
    ``status``, ``subtype``)."""
    sentences, start = [], 0
    for i, e in enumerate(events):
        text = e.get("text", f"{doc_id} sentence {i}")
        sentences.append(Sentence(i, start, start + len(text), text))
        start += len(text) + 1
    art = Article(doc_id, "\n".join(s.text for s in sentences), date.fromisoformat(published), "day", outlet, doc_id)
    return Extraction(art, sentences, [], [], [], [
        Event(e["kind"], s, s.start, s.start + 4, "trig", actors=list(e.get("actors", ())),
              counterparts=list(e.get("counterparts", ())), place=e["place"], date_start=date.fromisoformat(e["day"]),
              date_end=date.fromisoformat(e.get("end", e["day"])), date_precision=e.get("precision", "day"),
              date_source="text", status=e.get("status", "occurred"),
              subtype=e.get("subtype", "fighting" if e["kind"] == "front_line" else "visit"))
        for e, s in zip(events, sentences)])
