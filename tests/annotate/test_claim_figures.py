"""Figure proposals for claim spans: read with the ledger's parser, one per figure of the span,
values only for the fields the label declares, none once a figure field is set; accepting is
one edit whose values the ledger reads back as the same figure."""

from __future__ import annotations

from dataclasses import replace

from annotate.claim_figures import FIELDS, accept, figure_fields, proposals, propose
from annotate.figures import Figure
from annotate.ledger import ClaimRecord, figure_of
from annotate.model import Span
from annotate.schema import AttributeDef, Label, default_schema

TEXT = "The army said about 80 Malian soldiers died and more than 12 vehicles burned in 2024."
CLAIM = default_schema().label("CLAIM")


def test_one_proposal_per_figure_with_the_declared_fields() -> None:
    assert figure_fields(CLAIM) == ("figure", "figure_low", "figure_high")
    found = propose(TEXT, figure_fields(CLAIM))
    assert [(p.words, dict(p.values)) for p in found] == [
        ("about 80 Malian soldiers",
         {"figure": "about 80 Malian soldiers", "figure_low": 80, "figure_high": 80}),
        ("more than 12 vehicles",
         {"figure": "more than 12 vehicles", "figure_low": 13, "figure_high": None})]
    assert found[0].describe() == "~80 people (about)"
    everything = Label("C", "claim", attributes=tuple(AttributeDef(n, "text") for n in FIELDS))
    assert dict(propose("at least 25 dead", figure_fields(everything))[0].values) == {
        "figure": "at least 25 dead", "figure_low": 25, "figure_high": None,
        "figure_qualifier": "at least", "figure_unit": "people"}
    assert propose(TEXT, ()) == []
    assert propose("no number here in 2024", figure_fields(CLAIM)) == []


def test_no_proposal_once_a_figure_field_is_set_or_for_a_label_without_them() -> None:
    span = Span("d", 14, 55, "CLAIM", "amina")
    assert [p.words for p in proposals(span, TEXT, CLAIM)] == ["about 80 Malian soldiers"]
    assert proposals(replace(span, attributes={"figure_high": 3}), TEXT, CLAIM) == []
    assert proposals(replace(span, attributes={"certainty": "hedged"}), TEXT, CLAIM) != []
    assert proposals(span, TEXT, default_schema().label("DENIAL")) == []


def test_accepting_writes_the_values_and_the_ledger_reads_the_same_figure() -> None:
    span = Span("d", 14, 82, "CLAIM", "amina", attributes={"certainty": "reported"})
    chosen = proposals(span, TEXT, CLAIM)[1]
    update = accept(span, chosen)
    assert update.before == span
    assert update.after.attributes == {"certainty": "reported", "figure": "more than 12 vehicles",
                                       "figure_low": 13}
    record = ClaimRecord(span.id, "d", span.start, span.end, span.text_in(TEXT), "amina",
                         "claim", update.after.attributes)
    assert figure_of(record) == Figure(13, None, "more than", "vehicles") == chosen.figure


def test_the_same_text_is_read_for_figures_once(monkeypatch) -> None:
    """The Span panel asks for the proposals of the span it shows at each change of it: the
    text is read once, and each answer is a list of its own."""
    import annotate.claim_figures as claim_figures

    reads = []
    real = claim_figures.find_figures

    def counted(text: str, with_unit: bool = False):
        reads.append(text)
        return real(text, with_unit)

    monkeypatch.setattr(claim_figures, "find_figures", counted)
    text = "some 40 fighters and 3 pickups, said the spokesman of the 2nd of June"
    first = propose(text, FIELDS)
    first.clear()
    again = propose(text, FIELDS)
    assert reads == [text]
    assert [p.words for p in again] == ["some 40 fighters", "3"]
