"""The ledger built from the store: rows per subject and proposition, claimants as columns,
conflicting figures, denials, actors resolving names, filters, and its JSON, CSV and
ClaimReview forms."""

from __future__ import annotations

import csv
import io
import time
import tracemalloc

import pytest
from ledger_corpus import annotate

from annotate.actors import Event, definitions_in, propose
from annotate.commands import AddRelation, CreateEvent, CreateSpan, DeleteSpan, set_attribute
from annotate.errors import ValidationError
from annotate.ledger import build
from annotate.model import AnnotatedDocument, Document, Relation, Span
from annotate.resolving import accept
from annotate.samples import example_layer
from db.ledger_rows import LONG_TEXT
from db.store import Store


@pytest.fixture
def spans(store: Store) -> dict[tuple[int, str], Span]:
    return annotate(store)


def resolve(store: Store) -> None:
    """Accept every proposal: Wagner and the Wagner Group, CSP and CSP-PSD become one."""
    entities = store.entity_spans()
    texts = [store.document(uid).text for uid in {s.document for s in entities}]
    proposals = propose({(s.text, "armed group"): None for s in entities},
                        store.actors(), definitions_in(texts))
    store.apply(accept(proposals, entities, {}), "lead")


def cells(store: Store, **filters: str) -> dict[str, dict[str, list[str]]]:
    ledger = build(store.claim_records(**filters))
    return {row.key: {name: [c.figure.describe() if c.figure else c.record.kind for c in cell]
                      for name, cell in row.cells.items()} for row in ledger.rows}


def test_rows_columns_and_conflicts(store: Store, spans) -> None:
    assert cells(store) == {
        "JNIM: took part": {"CSP-PSD": ["denial"], "army": ["claim"]},
        "Wagner: killed": {"CSP": ["84"], "Rusich": ["≥81"], "army": ["10"]},
        "Wagner Group: killed": {"African Initiative": ["≥25"]},
    }
    resolve(store)
    ledger = build(store.claim_records())
    assert ledger.claimants == ["African Initiative", "CSP-PSD", "Rusich", "army"]
    [killed] = [r for r in ledger.rows if r.proposition == "killed"]
    assert killed.key == "Wagner Group: killed" and killed.conflicting
    by_claimant = {name: cell[0] for name, cell in killed.cells.items()}
    army = by_claimant["army"]
    assert {ledger.claims[i].claimant for i in ledger.conflicts(army.record.id)} == {
        "CSP-PSD", "Rusich", "African Initiative"}
    psd = by_claimant["CSP-PSD"].record.id
    assert ledger.conflicts(psd) == (army.record.id,)  # 84 and >80 agree


def test_an_edit_of_the_figure_bounds_corrects_the_conflict(store: Store, spans) -> None:
    army = store.span(spans[3, "c"].id)
    store.apply(set_attribute(army, "figure_low", 82), "amina")
    store.apply(set_attribute(store.span(army.id), "figure_high", 90), "amina")
    ledger = build(store.claim_records())
    claim = ledger.claims[army.id]
    assert claim.figure.describe() == "82–90"
    assert ledger.conflicts(army.id) == ()


def test_a_denial_sits_against_the_claim_it_denies(store: Store, spans) -> None:
    uid = spans[3, "c"].document
    text = store.document(uid).text
    denial = Span(uid, text.index("died"), text.index("died") + 4, "DENIAL", "amina")
    store.apply(CreateSpan(denial), "amina")
    store.apply(AddRelation(uid, Relation("DENIES", denial.id, spans[3, "c"].id, "amina")),
                "amina")
    ledger = build(store.claim_records())
    denied = ledger.claims[spans[3, "c"].id]
    assert denied.denied_by == (denial.id,)
    assert ledger.claims[denial.id].row == denied.row == "Wagner: killed"
    [as_json] = [c for c in ledger.to_json()["claims"] if c["id"] == denial.id]
    assert as_json["links"] == [{"id": denied.record.id, "document": uid,
                                 "start": denied.record.start, "end": denied.record.end,
                                 "kind": "denies"}]


def test_json_has_the_fields_of_every_claim(store: Store, spans) -> None:
    resolve(store)
    data = build(store.claim_records()).to_json()
    [csp] = [c for c in data["claims"] if c["claimant_text"] == "CSP"]
    uid = spans[0, "c"].document
    assert csp == {
        "id": spans[0, "c"].id, "document": uid, "start": 14, "end": 47,
        "text": "84 Wagner mercenaries were killed", "annotator": "amina", "kind": "claim",
        "claimant": "CSP-PSD", "claimant_text": "CSP", "subject": "Wagner Group",
        "proposition": "killed", "certainty": None,
        "figure": {"low": 84, "high": 84, "qualifier": "exact", "unit": "people"},
        "published": "2024-08-02",
        "links": [{"id": spans[3, "c"].id, "document": spans[3, "c"].document, "start": 14,
                   "end": 37, "kind": "conflicts"}],
        "row": "Wagner Group: killed",
    }


def test_csv_and_claimreview(store: Store, spans) -> None:
    ledger = build(store.claim_records())
    table = list(csv.reader(io.StringIO(ledger.to_csv())))
    assert table[0] == ["row", "conflict", "African Initiative", "CSP", "CSP-PSD", "Rusich",
                        "army"]
    assert table[2] == ["Wagner: killed", "yes", "", "84 (2024-08-02)", "", "≥81 (2024-07-29)",
                        "10 (2024-07-27)"]
    items = ledger.to_claimreview()
    assert len(items) == 5  # the claims; the denial is no ClaimReview
    [army] = [i for i in items if i["claimReviewed"] == "10 Wagner soldiers died"]
    assert army["@type"] == "ClaimReview"
    assert army["reviewRating"]["alternateName"] == "Conflicting figures"
    assert army["itemReviewed"]["author"] == {"@type": "Organization", "name": "army"}
    assert army["itemReviewed"]["datePublished"] == "2024-07-27"


def test_filters_by_event_and_layer(store: Store, spans) -> None:
    first = spans[0, "c"].document
    store.apply(CreateEvent(Event("ambush"), (first,)), "lead")
    assert list(cells(store, event="ambush")) == ["Wagner: killed"]
    with pytest.raises(ValidationError, match="no event named"):
        store.claim_records(event="nothing")
    assert cells(store, annotator="gold") == {}
    assert len(cells(store, annotator="amina")) == 3



def test_an_update_changes_only_the_claims_it_touches(store: Store, spans) -> None:
    ledger = build(store.claim_records())
    army = spans[3, "c"]
    untouched = {i: c for i, c in ledger.claims.items() if i != army.id}
    store.apply(set_attribute(store.span(army.id), "figure_low", 82), "amina")
    fresh = store.claim_records(documents=[army.document])
    assert [(old.record.id, new.record.id) for old, new in
            ledger.changes({army.document}, fresh)] == [(army.id, army.id)]
    assert ledger.update({army.document}, fresh) == {"Wagner: killed"}
    assert ledger.to_json() == build(store.claim_records()).to_json()
    assert all(ledger.claims[i] is claim for i, claim in untouched.items())
    store.apply(set_attribute(store.span(army.id), "proposition", "wounded"), "amina")
    keys = ledger.update({army.document}, store.claim_records(documents=[army.document]))
    assert keys == {"Wagner: wounded", "Wagner: killed"}
    assert ledger.to_json() == build(store.claim_records()).to_json()


def test_an_update_of_a_claim_reads_that_claim_alone(store: Store, spans) -> None:
    ledger = build(store.claim_records())
    army = spans[3, "c"]
    store.apply(set_attribute(store.span(army.id), "figure_low", 82), "amina")
    fresh = store.claim_records(spans=[army.id])
    assert [r.id for r in fresh] == [army.id]
    assert fresh == [r for r in store.claim_records(documents=[army.document])
                     if r.id == army.id]  # with its claimant and subject
    assert ledger.update((), fresh, [army.id]) == {"Wagner: killed"}
    assert ledger.to_json() == build(store.claim_records()).to_json()
    store.apply(DeleteSpan(store.span(army.id)), "amina")
    assert ledger.update((), store.claim_records(spans=[army.id]), [army.id]) == {
        "Wagner: killed"}
    assert ledger.to_json() == build(store.claim_records()).to_json()


def test_the_seeded_samples_fill_the_ledger(store: Store) -> None:
    """A new store seeded with the samples and their example layer shows a filled ledger:
    three claimants and more, conflicting figures, and denials in other documents than the
    claims they answer."""
    example = example_layer()
    assert store.seed_once(example.documents, example.actors, example.annotator)
    assert not store.seed_once(example.documents, example.actors, example.annotator)
    ledger = build(store.claim_records())
    assert len(ledger.claimants) >= 3
    killed = ledger.row("FAMa: killed")
    assert killed is not None and killed.conflicting
    assert set(killed.cells) == {"CSP-DPA", "General Staff of the Armed Forces", "JNIM"}
    crossing = []
    for row in ledger.rows:
        members = [c for cell in row.cells.values() for c in cell]
        claims = {c.record.document for c in members if c.record.kind == "claim"}
        denials = {c.record.document for c in members if c.record.kind == "denial"}
        if claims and denials - claims:
            crossing.append(row.key)
    assert {"Algeria: took part", "FAMa: captured", "JNIM: took part"} <= set(crossing)
    names = {a.name for a in store.actors()}
    assert {"FAMa", "CSP-DPA", "JNIM", "Algeria"} <= names
    assert store.next_undo(example.annotator) == "batch"  # the actors: one step


def test_a_long_document_with_many_claims_is_read_once(store: Store) -> None:
    """Its text is read once, not once a claim: cutting each claim's text (or reading a column
    stored after the text) in SQL read the whole 4 MB again per claim, minutes for a ledger."""
    claims = 1_500
    line = "The ministry said 40 people were killed near the market on Tuesday. "
    long_text = line * (4_000_000 // len(line))
    step = len(long_text) // claims
    long_doc = Document(long_text, "long", {"published": "2026-01-02"})
    short_docs = [Document(line + str(n), f"short {n}", {}) for n in range(claims)]

    def claims_of(doc: Document, at: list[int]) -> tuple[Span, ...]:
        return tuple(Span(doc.uid, a, a + 40, "CLAIM", "amina") for a in at)

    store.import_documents([AnnotatedDocument(long_doc, claims_of(
        long_doc, [n * step for n in range(claims)]))])
    store.import_documents([AnnotatedDocument(d, claims_of(d, [0])) for d in short_docs])

    def timed(uids: list[str]) -> tuple[float, list]:
        began = time.perf_counter()
        records = store.claim_records(documents=uids)
        return time.perf_counter() - began, records

    short_s, short = timed([d.uid for d in short_docs])
    long_s, long = timed([long_doc.uid])
    assert len(short) == len(long) == claims
    assert all(r.text == long_text[r.start:r.end] and r.published == "2026-01-02"
               and r.title == "long" for r in long)
    assert long_s < 5 * short_s + 0.5, (long_s, short_s)


def test_a_ledger_holds_its_claims_compactly(store: Store) -> None:
    """Tens of thousands of claims of one long document: the names, attributes and rows the
    claims share are held once, and the store's rows are made records as they are read (not
    all held first): the ledger holds under 560 bytes a claim here, and its build's peak over
    the text read under 600 (they were 790 and 870; now 480 and 450)."""
    claims = 20_000
    line = "A spokesman said that the convoy came under fire near the well. "
    text = line * claims
    doc = Document(text, "long", {"published": "2026-01-02"})
    spans = tuple(Span(doc.uid, n * len(line), n * len(line) + 40,
                       ("CLAIM", "DENIAL")[n % 2], "amina", f"c{n}") for n in range(claims))
    store.import_documents([AnnotatedDocument(doc, spans)])
    tracemalloc.start()
    try:
        ledger = build(store.claim_records())
        held, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(ledger.claims) == claims
    assert held / claims < 560 and (peak - len(text)) / claims < 600, (held, peak)


def test_a_long_text_is_read_a_piece_at_a_time(store: Store) -> None:
    """A text longer than LONG_TEXT code points is never held whole while its claims are read
    (an emoji a line: a str of 4 bytes a code point): the read peaks under 2 bytes a code point
    of the text (it held the whole text, 4); the claims' texts and their claimants' are the
    text's, those across the edges of the pieces read too."""
    line = "The army said that 40 people were killed near the market. 🔥\n"
    text = line * (3 * LONG_TEXT // len(line))
    doc = Document(text, "long")
    at = [5 + n * (LONG_TEXT // 3 - 1) for n in range(8)]  # the fourth crosses the first edge
    claims = [Span(doc.uid, a, a + 40, "CLAIM", "amina", f"c{n}") for n, a in enumerate(at)]
    who = [Span(doc.uid, a + 100, a + 108, "ORG", "amina", f"w{n}") for n, a in enumerate(at)]
    links = tuple(Relation("CLAIMED_BY", c.id, w.id, "amina")
                  for c, w in zip(claims, who, strict=True))
    store.import_documents([AnnotatedDocument(doc, (*claims, *who), links)])
    tracemalloc.start()
    try:
        records = store.claim_records()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert {r.id: (r.text, r.claimant.name) for r in records} == {
        c.id: (text[c.start:c.end], text[w.start:w.end]) for c, w in zip(claims, who, strict=True)}
    assert peak < 2 * len(text), peak
