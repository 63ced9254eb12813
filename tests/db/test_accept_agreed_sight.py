"""Accept-agreed over a corpus finds most documents' agreed items at sight, without aligning:
the step it writes is the one aligning every document writes (same gold spans, decisions and
relations, in the same order), on a corpus with near misses, repeated spans, attributes that
differ or are spelled differently, relations, earlier decisions and gold spans."""

import random
from pathlib import Path
from typing import Any

from annotate import adjudication
from annotate.commands import AcceptAgreed, Command
from annotate.model import AnnotatedDocument, DocLabel, Document, Relation, Span
from annotate.schema import DocCategory, DocValue, LabelSchema
from db import review
from db.store import Store

WHO = ("amina", "bo", "chen")
LABELS = ("CLAIM", "DENIAL", "PERSON")
ATTRIBUTES = ({"certainty": "reported", "proposition": "killed"},
              {"proposition": "killed", "certainty": "reported"},  # the same, spelled otherwise
              {"certainty": "hedged"}, {})
TEXT = "the ministry said forty people died near the river on monday " * 2
STANCE = DocCategory("stance", (DocValue("supports", "1"), DocValue("disputes", "2")))


def corpus(documents: int = 120, seed: int = 3) -> list[AnnotatedDocument]:
    rng = random.Random(seed)
    records = []
    for n in range(documents):
        doc = Document(f"Report {n}: {TEXT}", f"r{n}")
        bases = [(11 + 12 * i, 15 + 12 * i + rng.randrange(4), rng.choice(LABELS))
                 for i in range(rng.randrange(1, 6))]
        spans: list[Span] = []
        for who in WHO[: rng.choice((1, 2, 3, 3, 3))]:
            for i, (start, end, label) in enumerate(bases):
                roll = rng.random()
                end += roll < 0.08
                if 0.08 <= roll < 0.12:
                    label = "PERSON" if label != "PERSON" else "CLAIM"
                if roll > 0.95:
                    continue
                attributes = {} if label == "PERSON" else dict(rng.choice(ATTRIBUTES[:2]))
                if 0.12 <= roll < 0.16 and label != "PERSON":
                    attributes = dict(rng.choice(ATTRIBUTES[2:]))
                for copy in range(2 if 0.16 <= roll < 0.2 else 1):
                    spans.append(Span(doc.uid, start, end, label, who, f"{n}-{who}-{i}-{copy}",
                                      attributes))
        relations = []
        claims = [s for s in spans if s.label == "CLAIM"]
        people = [s for s in spans if s.label == "PERSON" and claims
                  and s.annotator == claims[0].annotator]
        if people and rng.random() < 0.2:
            relations.append(Relation("CLAIMED_BY", claims[0].id, people[0].id,
                                      claims[0].annotator, f"{n}-rel"))
        status = {who: "done" for who in WHO if rng.random() < 0.8}
        stance = [DocLabel(doc.uid, "stance", "supports" if rng.random() < 0.9 else "disputes",
                           who) for who in WHO if rng.random() < 0.3]
        records.append(AnnotatedDocument(doc, tuple(spans), tuple(relations), status,
                                         tuple(stance)))
    return records


def seeded(path: Path) -> Store:
    """A store of the corpus where a few items were decided already."""
    store = Store.open(path)
    schema = store.schema()
    store.set_schema(LabelSchema(schema.labels, schema.relations, (STANCE,)), by="lead")
    store.import_documents(corpus())
    for row in store.list_documents()[:40]:
        stance = [i for i in review.doc_review_items(store, row.uid) if i.status == "open"]
        if stance and row.span_count % 3 == 0:
            store.apply(adjudication.reject_doc_command(stance[0], "lead"), "lead")
    for row in store.list_documents()[:12]:
        items = [i for i in review.review_items(store, row.uid) if i.status == "open"]
        if items:
            first = items[0]
            store.apply(adjudication.reject_command(first, "lead") if row.span_count % 2
                        else adjudication.accept_command(first, first.spans[0], "lead"), "lead")
    return store


def written(store: Store, monkeypatch, at_least: int = 41) -> list[list[Any]]:
    """The commands of the steps accept_agreed applies (accepting ``at_least`` items), their
    new ids and times left out."""
    steps: list[Command] = []
    apply = store.apply
    monkeypatch.setattr(store, "apply", lambda command, who: steps.append(command)
                        or apply(command, who))
    assert review.accept_agreed(store, "judge") >= at_least
    fresh: dict[str, int] = {}
    return [[_plain(c.to_dict(), fresh) for c in step.commands] for step in steps
            if type(step) is AcceptAgreed]


def _plain(value: Any, fresh: dict[str, int]) -> Any:
    """``value`` with ids made by the run numbered as first met, times dropped."""
    if isinstance(value, dict):
        return {k: _plain(v, fresh) for k, v in value.items()
                if k not in ("created", "updated", "at")}
    if isinstance(value, list | tuple):
        return [_plain(v, fresh) for v in value]
    if isinstance(value, str) and len(value) == 36 and value.count("-") == 4:
        return fresh.setdefault(value, len(fresh))
    return value


def test_agreed_at_sight_writes_what_aligning_every_document_writes(tmp_path: Path,
                                                                     monkeypatch) -> None:
    at_sight = seeded(tmp_path / "a.sqlite")
    aligning = seeded(tmp_path / "b.sqlite")
    seen = []
    sight = review._accept_at_sight

    def counted(*args: Any) -> bool:
        parts = args[-1]
        before = len(parts[1])
        at_once = sight(*args)
        seen.append(len(parts[1]) - before if at_once else None)  # the decisions it added
        return at_once

    monkeypatch.setattr(review, "_accept_at_sight", counted)
    expected_steps = written(at_sight, monkeypatch)
    # both ways came up: most documents at sight, some aligned (repeats, relations)
    assert sum(found is None for found in seen) > 10 and sum(bool(f) for f in seen) > 30
    monkeypatch.setattr(review, "_accept_at_sight", lambda *args: False)
    assert written(aligning, monkeypatch) == expected_steps
    at_sight.close()
    aligning.close()


def test_items_of_the_same_bounds_come_by_label_name_as_aligned(tmp_path: Path,
                                                                 monkeypatch) -> None:
    """The rows read name labels by id: ORG's id (4) comes after PERSON's (3), its name
    before; the step is still the one aligning writes."""
    def two_labels(path: Path) -> Store:
        store = Store.open(path)
        records = []
        for n in range(3):
            doc = Document(f"Report {n}: {TEXT}", f"r{n}")
            records.append(AnnotatedDocument(doc, tuple(
                Span(doc.uid, 11, 14, label, who, f"{n}-{who}-{label}")
                for who in WHO[:2] for label in ("PERSON", "ORG")), (),
                dict.fromkeys(WHO[:2], "done")))
        store.import_documents(records)
        return store

    at_sight, aligning = two_labels(tmp_path / "a.sqlite"), two_labels(tmp_path / "b.sqlite")
    steps = written(at_sight, monkeypatch, at_least=6)
    assert [c["span"]["label"] for c in steps[0] if c["op"] == "create_span"] == \
        ["ORG", "PERSON"] * 3
    monkeypatch.setattr(review, "_accept_at_sight", lambda *args: False)
    assert written(aligning, monkeypatch, at_least=6) == steps
    at_sight.close()
    aligning.close()
