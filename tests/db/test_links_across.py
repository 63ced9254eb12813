"""Links across documents (issue 13 point 4): a claim repeating, contradicting or revising a
claim in another document, a denial denying one; journaled like every link, handled when its
target span goes, carried by the native format whatever order documents come in."""

from dataclasses import replace
from pathlib import Path

import pytest

from annotate.adjudication import accept_command
from annotate.commands import AddRelation, DeleteSpan, RemoveRelation
from annotate.errors import InputError, ValidationError
from annotate.formats import native
from annotate.formats.base import ImportOptions
from annotate.ledger import build
from annotate.model import GOLD, AnnotatedDocument, Document, Relation, Span
from annotate.relation_items import accept_relation_command
from annotate.samples import example_layer
from db.review import accept_agreed, relation_review_items, review_items
from db.store import Store
from db.transfer import ExportFilter, export, import_paths

WIRE = Document("The CSP said 84 Wagner fighters were killed at Tinzaouaten.", "Wire")
DENIAL = Document("The army denied that 84 Wagner fighters died; the CSP lies.", "Army")
CHANNEL = Document("A Wagner channel said more than 80 were killed.", "Channel")


def _spans(doc: Document, claim: tuple[int, int], label: str, *who: str) -> tuple[Span, ...]:
    return tuple(Span(doc.uid, *claim, label, name, f"{doc.title}-{name}") for name in who)


@pytest.fixture
def docs(store: Store) -> Store:
    store.import_documents([
        AnnotatedDocument(WIRE, _spans(WIRE, (0, 38), "CLAIM", "amina", "bo")),
        AnnotatedDocument(DENIAL, _spans(DENIAL, (0, 44), "DENIAL", "amina", "bo")),
        AnnotatedDocument(CHANNEL, _spans(CHANNEL, (0, 46), "CLAIM", "amina")),
    ])
    return store


def _denies(annotator: str = "amina", **changes: str) -> Relation:
    link = Relation("DENIES", f"Army-{annotator}", f"Wire-{annotator}", annotator, "x1",
                    target_document=WIRE.uid)
    return Relation(**{**{f: getattr(link, f) for f in link.__dataclass_fields__}, **changes})


def test_a_denial_denies_a_claim_in_another_document_and_undo_takes_it_back(docs: Store):
    link = _denies()
    changes = docs.apply(AddRelation(DENIAL.uid, link), "amina")
    assert changes.documents == {DENIAL.uid, WIRE.uid}
    assert docs.relations(DENIAL.uid) == [link]
    assert docs.relations(WIRE.uid) == []  # it belongs to the document it starts in
    entry = docs.history()[0]
    assert entry.op == "add_relation" and set(entry.documents) == {DENIAL.uid, WIRE.uid}
    assert entry.payload["relation"]["target_document"] == WIRE.uid
    docs.undo("amina")
    assert docs.relations(DENIAL.uid) == []
    docs.redo("amina")
    assert docs.relations(DENIAL.uid) == [link]


@pytest.mark.parametrize(("link", "refusal"), [
    (_denies(type="ABOUT"), "ABOUT cannot link spans of two documents"),
    (_denies(target_document=None), "must join two spans of this document"),
    (_denies(target_document=CHANNEL.uid), f"its target lies in document {WIRE.uid}"),
    (_denies(target="Channel-amina", target_document=CHANNEL.uid), None),
    (_denies(target="Wire-bo"), "within one layer"),
    (_denies(target="nowhere"), "no span nowhere"),
    (_denies(type="CONTRADICTS"), "CONTRADICTS cannot start at a DENIAL span"),
], ids=["type", "no-document", "wrong-document", "allowed", "layer", "dangling", "labels"])
def test_the_one_validator_checks_a_link_across_documents(docs: Store, link, refusal):
    if refusal is None:  # the same link to a claim of a third document is fine
        docs.apply(AddRelation(DENIAL.uid, link), "amina")
        assert docs.relations(DENIAL.uid) == [link]
        return
    with pytest.raises(ValidationError, match=refusal):
        docs.apply(AddRelation(DENIAL.uid, link), "amina")
    assert docs.relations(DENIAL.uid) == []


def test_a_link_within_a_document_cannot_name_its_own_document_as_another(docs: Store):
    own = Relation("CLAIMED_BY", "Wire-amina", "Wire-amina", "amina", target_document=WIRE.uid)
    with pytest.raises(ValidationError):
        docs.apply(AddRelation(WIRE.uid, own), "amina")


def test_deleting_the_target_span_removes_the_link_and_undo_restores_both(docs: Store):
    link = _denies()
    docs.apply(AddRelation(DENIAL.uid, link), "amina")
    target = docs.span("Wire-amina")
    changes = docs.apply(DeleteSpan(target), "amina")
    assert link.id in changes.relations
    assert docs.relations(DENIAL.uid) == []
    docs.undo("amina")
    assert docs.span("Wire-amina") == target
    assert docs.relations(DENIAL.uid) == [link]
    docs.apply(DeleteSpan(docs.span("Army-amina")), "amina")  # its source too
    assert docs.relations(DENIAL.uid) == []
    docs.undo("amina")
    assert docs.relations(DENIAL.uid) == [link]
    docs.apply(RemoveRelation(DENIAL.uid, link), "amina")
    assert docs.relations(DENIAL.uid) == []


def _export(store: Store, out: Path) -> bytes:
    export(store, out, "native", ExportFilter())
    return out.read_bytes()


def test_native_round_trip_is_byte_identical_whatever_order_documents_come_in(
        docs: Store, tmp_path: Path):
    docs.apply(AddRelation(DENIAL.uid, _denies()), "amina")
    docs.apply(AddRelation(CHANNEL.uid, Relation(
        "CONTRADICTS", "Channel-amina", "Wire-amina", "amina", "x2", "80 or 84?",
        WIRE.uid)), "amina")
    first = _export(docs, tmp_path / "one.jsonl")
    assert b'"to_document":"' + WIRE.uid.encode() in first
    lines = first.splitlines(keepends=True)
    for order, name in ((lines, "same"), (lines[::-1], "reversed")):  # targets first, or last
        path = tmp_path / f"{name}.jsonl"
        path.write_bytes(b"".join(order))
        other = Store.open(tmp_path / f"{name}.sqlite")
        try:
            import_paths(other, [path])
            assert _export(other, tmp_path / f"{name}-again.jsonl") == b"".join(order)
        finally:
            other.close()


def test_a_dangling_target_is_refused_naming_file_and_line_and_nothing_lands(
        docs: Store, tmp_path: Path):
    docs.apply(AddRelation(DENIAL.uid, _denies()), "amina")
    lines = _export(docs, tmp_path / "all.jsonl").splitlines(keepends=True)
    denial_line = next(i for i, line in enumerate(lines, 1) if b"to_document" in line)
    wire_line = next(i for i, line in enumerate(lines, 1) if WIRE.uid.encode() in line
                     and i != denial_line)
    cases = {
        "no-document": b"".join(line for i, line in enumerate(lines, 1) if i != wire_line),
        "no-span": b"".join(line.replace(b'"Wire-amina"', b'"Wire-gone"') if i == wire_line
                            else line for i, line in enumerate(lines, 1)),
    }
    for name, content in cases.items():
        path = tmp_path / f"{name}.jsonl"
        path.write_bytes(content)
        other = Store.open(tmp_path / f"{name}.sqlite")
        try:
            (result,) = import_paths(other, [path])
            shown = result.error or ""
            at = next(i for i, line in enumerate(content.splitlines(), 1) if b"to_docu" in line)
            assert shown.startswith(f"{path}:line {at}: relation x1: "), shown
            assert ("neither in the file nor here" if name == "no-document"
                    else "has no span Wire-amina of amina") in shown
            assert other.stats()["documents"] == 0
        finally:
            other.close()


def test_a_link_to_a_document_already_in_the_store_imports(docs: Store, tmp_path: Path):
    docs.apply(AddRelation(DENIAL.uid, _denies()), "amina")
    lines = _export(docs, tmp_path / "all.jsonl").splitlines(keepends=True)
    other = Store.open(tmp_path / "other.sqlite")
    try:
        wire = [line for line in lines if b"to_document" not in line]
        (tmp_path / "wire.jsonl").write_bytes(b"".join(wire))
        (tmp_path / "denial.jsonl").write_bytes(
            b"".join(line for line in lines if b"to_document" in line))
        import_paths(other, [tmp_path / "wire.jsonl"])
        import_paths(other, [tmp_path / "denial.jsonl"])
        assert other.relations(DENIAL.uid) == [_denies()]
    finally:
        other.close()


def test_an_export_of_some_labels_leaves_out_links_to_spans_it_leaves_out(
        docs: Store, tmp_path: Path):
    docs.apply(AddRelation(DENIAL.uid, _denies()), "amina")
    out = tmp_path / "denials.jsonl"
    export(docs, out, "native", ExportFilter(labels=["DENIAL"]))
    assert b"to_document" not in out.read_bytes()  # its target, a CLAIM, is not in the file
    other = Store.open(tmp_path / "other.sqlite")
    try:
        (result,) = import_paths(other, [out])
        assert result.error is None, result.error
        assert other.span_count() == 2 and other.relations(DENIAL.uid) == []
    finally:
        other.close()
    export(docs, out, "native", ExportFilter(labels=["DENIAL", "CLAIM"]))
    assert b"to_document" in out.read_bytes()


def test_a_format_without_links_across_documents_says_so_in_its_summary(
        docs: Store, tmp_path: Path):
    docs.apply(AddRelation(DENIAL.uid, _denies()), "amina")
    ((_, report),) = export(docs, tmp_path / "out.json", "labelstudio", ExportFilter())
    assert report.lost["links across documents not carried"] == 1
    assert "1 links across documents not carried" in report.summary()


def test_a_native_line_naming_its_own_document_as_the_other_is_refused_at_its_line(
        tmp_path: Path):
    line = native.encode(AnnotatedDocument(
        WIRE, _spans(WIRE, (0, 38), "CLAIM", "amina"),
        (Relation("REPEATS", "Wire-amina", "Wire-amina", "amina", "x3",
                  target_document="elsewhere"),)))
    path = tmp_path / "own.jsonl"
    path.write_text(line.replace('"elsewhere"', f'"{WIRE.uid}"') + "\n")
    with pytest.raises(InputError, match=f'{path}:line 1: relation x3: "to_document" must be'):
        list(native.read(path))


def _both_deny(docs: Store) -> None:
    for who in ("amina", "bo"):
        docs.apply(AddRelation(DENIAL.uid, _denies(who, id=f"x-{who}")), who)


def test_adjudication_aligns_links_across_documents_and_accepts_them_into_gold(docs: Store):
    _both_deny(docs)
    items = review_items(docs, DENIAL.uid)
    (link,) = relation_review_items(docs, DENIAL.uid, items)
    assert link.crosses and link.kind == "agreed"
    assert link.target.document == WIRE.uid and link.target.ids == {"Wire-amina", "Wire-bo"}
    with pytest.raises(ValidationError, match="accept both linked spans into gold first"):
        accept_relation_command(link, "DENIES", "judge")
    for uid in (WIRE.uid, DENIAL.uid):
        (item,) = review_items(docs, uid)
        docs.apply(accept_command(item, item.spans[0], "judge"), "judge")
    (link,) = relation_review_items(docs, DENIAL.uid, review_items(docs, DENIAL.uid))
    docs.apply(accept_relation_command(link, "DENIES", "judge"), "judge")
    (gold,) = docs.relations(DENIAL.uid, [GOLD])
    (wire_gold,) = docs.spans(WIRE.uid, [GOLD])
    assert (gold.type, gold.target, gold.target_document) == ("DENIES", wire_gold.id, WIRE.uid)
    (link,) = relation_review_items(docs, DENIAL.uid, review_items(docs, DENIAL.uid))
    assert link.status == "accepted" and link.gold == gold
    docs.undo("judge")
    assert docs.relations(DENIAL.uid, [GOLD]) == []


def test_accept_agreed_puts_agreed_links_across_documents_into_gold(docs: Store):
    _both_deny(docs)
    accepted = accept_agreed(docs, "judge", ["amina", "bo"])
    assert accepted == 3  # the two agreed spans, then the link between their gold spans
    (gold,) = docs.relations(DENIAL.uid, [GOLD])
    assert gold.target_document == WIRE.uid
    assert gold.target == docs.spans(WIRE.uid, [GOLD])[0].id


def test_the_samples_example_layer_denies_claims_of_other_documents(store: Store):
    example = example_layer()
    store.seed_once(example.documents, example.actors, example.annotator)
    crossing = [(uid, r) for uid in (d.document.uid for d in example.documents)
                for r in store.relations(uid) if r.crosses]
    assert len(crossing) == 3 and {r.type for _, r in crossing} == {"DENIES"}
    for uid, relation in crossing:
        assert store.span(relation.target).document == relation.target_document != uid
    claims = build(store.claim_records()).to_json()["claims"]
    denied = [(c["document"], link["document"]) for c in claims for link in c["links"]
              if link["kind"] == "denies"]
    assert len(denied) == 3 and all(own != other for own, other in denied)


def test_a_schema_change_cannot_take_away_the_crossing_its_links_use(docs: Store):
    docs.apply(AddRelation(DENIAL.uid, _denies()), "amina")
    schema = docs.schema()
    closed = replace(schema, relations=tuple(
        replace(r, across=False) if r.name == "DENIES" else r for r in schema.relations))
    with pytest.raises(ValidationError, match="1 'DENIES' relations link across documents"):
        docs.set_schema(closed)
    docs.apply(RemoveRelation(DENIAL.uid, _denies()), "amina")
    docs.set_schema(closed)
    assert not docs.schema().relation_type("DENIES").across


def test_the_ledger_lists_claims_repeating_or_contradicting_claims_of_other_documents(
        docs: Store):
    docs.apply(AddRelation(CHANNEL.uid, Relation(
        "CONTRADICTS", "Channel-amina", "Wire-amina", "amina", "x2", target_document=WIRE.uid)),
        "amina")
    claims = {c["id"]: c for c in build(docs.claim_records()).to_json()["claims"]}
    wire, channel = claims["Wire-amina"], claims["Channel-amina"]
    assert {"id": "Wire-amina", "document": WIRE.uid, "start": 0, "end": 38,
            "kind": "contradicts"} in channel["links"]
    assert {"id": "Channel-amina", "document": CHANNEL.uid, "start": 0, "end": 46,
            "kind": "contradicted_by"} in wire["links"]


def test_an_import_that_adds_names_adds_a_crossing_type_for_a_link_across_documents(
        docs: Store, tmp_path: Path):
    docs.apply(AddRelation(CHANNEL.uid, Relation(
        "CONTRADICTS", "Channel-amina", "Wire-amina", "amina", "x2", target_document=WIRE.uid)),
        "amina")
    path = tmp_path / "all.jsonl"
    _export(docs, path)
    other = Store.open(tmp_path / "older.sqlite")  # a schema without CONTRADICTS
    try:
        schema = other.schema()
        other.set_schema(replace(schema, relations=tuple(
            r for r in schema.relations if r.name != "CONTRADICTS")))
        (refused,) = import_paths(other, [path])
        assert "relation types not in the schema: CONTRADICTS" in (refused.error or "")
        (done,) = import_paths(other, [path], ImportOptions(add_labels=True))
        assert done.error is None
        assert other.schema().relation_type("CONTRADICTS").across
        assert [r.id for r in other.relations(CHANNEL.uid)] == ["x2"]
    finally:
        other.close()
