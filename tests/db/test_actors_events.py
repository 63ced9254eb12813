"""Actors, actor links and events in the store: every change one journaled, undoable command,
checked by the same rules whoever applies it."""

from __future__ import annotations

import pytest

from annotate.actors import Actor, Event
from annotate.commands import (
    CreateActor,
    CreateEvent,
    CreateSpan,
    DeleteActor,
    DeleteEvent,
    DeleteSpan,
    LinkActor,
    SetEventDocument,
    UpdateEvent,
)
from annotate.errors import ValidationError
from annotate.model import AnnotatedDocument, Document, Span
from annotate.resolving import merge, rename, split
from db.store import Store

TEXT = "The CSP said 84 Wagner fighters died. The CSP-PSD denied that JNIM took part."


@pytest.fixture
def doc(store: Store) -> str:
    document = Document(TEXT, "t", {"published": "2024-08-02"})
    store.import_documents([AnnotatedDocument(document)])
    return document.uid


def entity(store: Store, uid: str, word: str, label: str = "ARMED_GROUP", nth: int = 0) -> Span:
    start = TEXT.index(word)
    for _ in range(nth):
        start = TEXT.index(word, start + 1)
    span = Span(uid, start, start + len(word), label, "amina")
    store.apply(CreateSpan(span), "amina")
    return span


def linked(store: Store) -> dict[str, str]:
    names = {a.id: a.name for a in store.actors()}
    return {span: names[actor] for span, actor in store.actor_links().items()}


def test_create_link_undo_redo_is_journaled(store: Store, doc: str) -> None:
    csp = entity(store, doc, "CSP")
    actor = Actor("CSP", "armed group")
    store.apply(CreateActor(actor, ((doc, csp.id),)), "lead")
    assert linked(store) == {csp.id: "CSP"}
    assert store.history("lead")[0].op == "create_actor"
    store.undo("lead")
    assert store.actors() == [] and store.actor_links() == {}
    store.redo("lead")
    assert linked(store) == {csp.id: "CSP"}


def test_names_are_unique_across_actors_once_folded(store: Store, doc: str) -> None:
    store.apply(CreateActor(Actor("CSP-PSD", "armed group", ("CSP",))), "lead")
    with pytest.raises(ValidationError, match="already names the actor"):
        store.apply(CreateActor(Actor("csp", "armed group")), "lead")
    with pytest.raises(ValidationError, match="kind"):
        store.apply(CreateActor(Actor("Wagner", "mercenary")), "lead")
    assert [a.name for a in store.actors()] == ["CSP-PSD"]


def test_only_entity_spans_link_and_only_once(store: Store, doc: str) -> None:
    claim = Span(doc, 13, 36, "CLAIM", "amina")
    store.apply(CreateSpan(claim), "amina")
    actor = Actor("Wagner", "armed group")
    store.apply(CreateActor(actor), "lead")
    with pytest.raises(ValidationError, match="only an entity span"):
        store.apply(LinkActor(doc, claim.id, actor.id), "lead")
    wagner = entity(store, doc, "Wagner")
    store.apply(LinkActor(doc, wagner.id, actor.id), "lead")
    with pytest.raises(ValidationError, match="already"):
        store.apply(LinkActor(doc, wagner.id, actor.id), "lead")
    store.apply(LinkActor(doc, wagner.id, None), "lead")
    assert store.actor_links() == {}
    store.undo("lead")
    assert linked(store) == {wagner.id: "Wagner"}


def test_merge_is_one_undo_step(store: Store, doc: str) -> None:
    first, second = entity(store, doc, "CSP"), entity(store, doc, "CSP-PSD")
    csp, psd = Actor("CSP", "armed group"), Actor("CSP-PSD", "armed group")
    store.apply(CreateActor(csp, ((doc, first.id),)), "lead")
    store.apply(CreateActor(psd, ((doc, second.id),)), "lead")
    store.apply(merge(psd, [(csp, store.actor_links_of(csp.id))]), "lead")
    [merged] = store.actors()
    assert (merged.name, merged.aliases) == ("CSP-PSD", ("CSP",))
    assert linked(store) == {first.id: "CSP-PSD", second.id: "CSP-PSD"}
    store.undo("lead")
    assert linked(store) == {first.id: "CSP", second.id: "CSP-PSD"}


def test_rename_keeps_the_old_name_as_alias_and_split_moves_spans(store: Store,
                                                                   doc: str) -> None:
    first, second = entity(store, doc, "CSP"), entity(store, doc, "CSP", nth=1)
    jnim = entity(store, doc, "JNIM")
    actor = Actor("CSP", "armed group", ("JNIM",))
    store.apply(CreateActor(actor, ((doc, first.id), (doc, second.id), (doc, jnim.id))),
                "lead")
    store.apply(rename(actor, "CSP-PSD"), "lead")
    [renamed] = store.actors()
    assert (renamed.name, renamed.aliases) == ("CSP-PSD", ("CSP", "JNIM"))
    spans = [s for s in store.entity_spans() if s.text == "JNIM"]
    store.apply(split(renamed, Actor("JNIM", "armed group"), spans), "lead")
    assert {a.name: a.aliases for a in store.actors()} == {"CSP-PSD": ("CSP",), "JNIM": ()}
    assert linked(store)[jnim.id] == "JNIM"
    store.undo("lead")
    assert linked(store)[jnim.id] == "CSP-PSD"


def test_delete_takes_the_links_and_undo_brings_them_back(store: Store, doc: str) -> None:
    wagner = entity(store, doc, "Wagner")
    actor = Actor("Wagner", "armed group")
    store.apply(CreateActor(actor, ((doc, wagner.id),)), "lead")
    store.apply(DeleteActor(actor), "lead")
    assert store.actors() == []
    store.undo("lead")
    assert linked(store) == {wagner.id: "Wagner"}


def test_a_deleted_span_keeps_its_link_for_its_undo(store: Store, doc: str) -> None:
    wagner = entity(store, doc, "Wagner")
    store.apply(CreateActor(Actor("Wagner", "armed group"), ((doc, wagner.id),)), "lead")
    store.apply(DeleteSpan(wagner), "amina")
    assert store.actor_links() == {}
    store.undo("amina")
    assert linked(store) == {wagner.id: "Wagner"}


def test_events_hold_documents_and_check_their_window(store: Store, doc: str) -> None:
    event = Event("Tinzaouaten ambush", "2024-07-25", "2024-07-27", "Tinzaouaten")
    store.apply(CreateEvent(event, (doc,)), "lead")
    assert store.events() == [(event, (doc,))]
    with pytest.raises(ValidationError, match="there is an event"):
        store.apply(CreateEvent(Event("Tinzaouaten ambush")), "lead")
    with pytest.raises(ValidationError, match="before it starts"):
        store.apply(UpdateEvent(event, Event(event.name, "2024-07-27", "2024-07-25",
                                             id=event.id)), "lead")
    with pytest.raises(ValidationError, match="not a date"):
        store.apply(CreateEvent(Event("later", "July 2024")), "lead")
    with pytest.raises(ValidationError, match="is in the event"):
        store.apply(SetEventDocument(event.id, doc), "lead")
    store.apply(SetEventDocument(event.id, doc, member=False), "lead")
    assert store.events() == [(event, ())]
    store.undo("lead")
    store.apply(DeleteEvent(event), "lead")
    assert store.events() == []
    store.undo("lead")
    assert store.events() == [(event, (doc,))]


def test_an_event_stored_before_its_dates_were_checked_comes_back_at_an_undo(
        store: Store, doc: str, monkeypatch) -> None:
    """An event whose start has a date's form but is no day (2026-02-30: stored by a version
    that checked the form alone) is deleted, and the undo puts it back as it was: an undo
    refused closes its step, and the event and its documents were lost for good."""
    from annotate import actors

    event = Event("Raid", "2026-02-30", "", "Gao")
    with monkeypatch.context() as before:
        before.setattr(actors, "_is_date", actors._DATE.fullmatch)
        store.apply(CreateEvent(event, (doc,)), "lead")
    store.apply(DeleteEvent(event), "lead")
    store.undo("lead")
    assert store.events() == [(event, (doc,))]
    store.redo("lead")
    store.undo("lead")
    assert store.events() == [(event, (doc,))]
    with pytest.raises(ValidationError, match="not a date"):  # a new one is checked
        store.apply(CreateEvent(Event("Raid 2", "2026-02-30")), "lead")
