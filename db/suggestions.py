"""The suggestion layer's tables: suggestions, and the verdicts annotators give them.

Suggestions are written in bulk by whatever proposes them (:func:`put`, journaled by the
Store as one event); verdicts only by the journaled commands AddVerdict and RemoveVerdict,
whose store actions are registered here with :func:`db.edits.run`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

from sqlalchemy import Connection, and_, delete, func, insert, select

from annotate.commands import AddVerdict, Command, RemoveVerdict
from annotate.errors import ValidationError
from annotate.model import Verdict
from annotate.suggestions import Suggestion
from db import edits
from db.engine import execute, marks
from db.names import Names
from db.schema_io import read_schema
from db.tables import DocumentModel, SuggestionModel, VerdictModel

D, SG, V = DocumentModel.__table__, SuggestionModel.__table__, VerdictModel.__table__
MODEL_SETTING = "assist.model"
"""The store setting naming the folder of the model last trained on the store."""
SCORES_SETTING = "assist.scores"
"""The store setting holding that model's held-out scores: JSON, {label: [P, R, F1]}."""


def _documents(conn: Connection, uids: Iterable[str]) -> dict[str, tuple[int, int]]:
    """Each uid's document id and length; ValidationError naming a uid not stored."""
    wanted = set(uids)
    found: dict[str, tuple[int, int]] = {}
    listed = sorted(wanted)
    for at in range(0, len(listed), 500):
        rows = conn.execute(select(D.c.uid, D.c.id, D.c.length)
                            .where(D.c.uid.in_(listed[at:at + 500])))
        found.update((r.uid, (r.id, r.length)) for r in rows)
    missing = wanted - found.keys()
    if missing:
        raise ValidationError(f"suggestion for a document not in the store: {min(missing)}")
    return found


def put(conn: Connection, suggestions: Sequence[Suggestion], source: str,
        uids: Iterable[str] = (), replaces: Collection[str] = ()) -> set[str]:
    """Replace what ``source`` (and the sources ``replaces``) suggests in the documents
    ``uids`` and in those ``suggestions`` name by ``suggestions`` (all from ``source``). Each
    must lie within its text, carry a score in [0, 1] and a label of the schema: else
    ValidationError, and the caller's transaction is to be rolled back. Returns the uids of
    the documents replaced."""
    labels = {label.name for label in read_schema(conn).labels}
    documents = _documents(conn, [*uids, *(s.document for s in suggestions)])
    rows = []
    for suggestion in suggestions:
        if suggestion.source != source:
            raise ValidationError(f"suggestion from {suggestion.source!r} among {source!r}'s")
        if suggestion.label not in labels:
            raise ValidationError(f"suggested label {suggestion.label!r} is not in the schema")
        doc_id, length = documents[suggestion.document]
        suggestion.check(length)
        rows.append({"id": suggestion.id, "document_id": doc_id, "start": suggestion.start,
                     "end": suggestion.end, "label": suggestion.label, "source": source,
                     "score": float(suggestion.score), "created": suggestion.created})
    ids = sorted(doc_id for doc_id, _ in documents.values())
    for at in range(0, len(ids), 500):
        conn.execute(delete(SG).where(SG.c.source.in_([source, *replaces]),
                                      SG.c.document_id.in_(ids[at:at + 500])))
    if rows:
        conn.execute(insert(SG), rows)
    return set(documents)


def clear(conn: Connection, source: str | None = None) -> int:
    """Remove every suggestion (of ``source``, if given); how many went."""
    query = delete(SG) if source is None else delete(SG).where(SG.c.source == source)
    return conn.execute(query).rowcount


def of_documents(conn: Connection, uids: Sequence[str]) -> dict[str, list[Suggestion]]:
    """Every suggestion of each of the documents ``uids`` (those with none left out), whoever
    judged it, in text order, in one statement (read through the driver: a document opened in
    the window reads its suggestions so)."""
    rows = execute(conn, 'SELECT d.uid, s.start, s."end", s.label, s.source, s.score, s.id, '
                   "s.created FROM suggestions s JOIN documents d ON d.id = s.document_id "
                   f'WHERE d.uid IN ({marks(uids)}) ORDER BY d.uid, s.start, s."end", s.label',
                   list(uids))
    found: dict[str, list[Suggestion]] = {}
    for uid, start, end, label, source, score, suggestion_id, created in rows:
        found.setdefault(uid, []).append(
            Suggestion(uid, start, end, label, source, score, suggestion_id, created))
    return found


def least_sure(conn: Connection, names: Names, annotator: str,
               limit: int | None = None) -> list[tuple[str, float]]:
    """The documents with suggestions ``annotator`` has not judged, the least sure first:
    (uid, how far the score nearest 0.5 is from it), for active learning. A suggestion the
    annotator's layer holds already counts as judged only once they gave it a verdict."""
    who = names.find_annotator(conn, annotator)
    doubt = func.min(func.abs(SG.c.score - 0.5))
    query = (select(D.c.uid, doubt.label("doubt")).join(D, D.c.id == SG.c.document_id)
             .group_by(D.c.id).order_by(doubt, D.c.id).limit(limit))
    if who is not None:
        judged = select(V.c.document_id).where(
            V.c.annotator_id == who, V.c.document_id == SG.c.document_id,
            V.c.start == SG.c.start, V.c.end == SG.c.end, V.c.label == SG.c.label)
        query = query.where(~judged.exists())
    return [(row.uid, float(row.doubt)) for row in conn.execute(query)]


def sources(conn: Connection) -> dict[str, int]:
    """How many suggestions each source made."""
    return dict(conn.execute(select(SG.c.source, func.count()).group_by(SG.c.source)).all())


def verdicts(conn: Connection, names: Names, uid: str | None = None,
             annotator: str | None = None) -> list[Verdict]:
    """The verdicts given (in document ``uid``, by ``annotator``, if given)."""
    query = select(V, D.c.uid).join(D, D.c.id == V.c.document_id)
    if uid is not None:
        query = query.where(D.c.uid == uid)
    if annotator is not None:
        who = names.find_annotator(conn, annotator)
        if who is None:
            return []
        query = query.where(V.c.annotator_id == who)
    rows = conn.execute(query.order_by(V.c.document_id, V.c.start, V.c.end))
    return [Verdict(r.uid, names.annotator_name(conn, r.annotator_id), r.start, r.end, r.label,
                    r.kind, r.source, r.score, r.chosen, r.at) for r in rows]


def _where(conn: Connection, names: Names, verdict: Verdict) -> tuple[int, object]:
    doc_id, length = _documents(conn, [verdict.document])[verdict.document]
    if not (0 <= verdict.start < verdict.end <= length):
        raise ValidationError(f"verdict on [{verdict.start}, {verdict.end}) is outside the "
                              f"text (length {length})")
    who = names.annotator_id(conn, verdict.annotator)
    return doc_id, and_(V.c.document_id == doc_id, V.c.annotator_id == who,
                        V.c.start == verdict.start, V.c.end == verdict.end,
                        V.c.label == verdict.label)


@edits.run.register
def _(command: AddVerdict, conn: Connection, names: Names) -> Command:
    verdict = command.verdict
    if verdict.kind not in ("accept", "reject"):
        raise ValidationError(f"a verdict is accept or reject, not {verdict.kind!r}")
    doc_id, same = _where(conn, names, verdict)
    if conn.execute(select(V.c.kind).where(same)).first() is not None:
        raise ValidationError(f"{verdict.annotator} has judged that suggestion already")
    conn.execute(insert(V).values(
        document_id=doc_id, annotator_id=names.annotator_id(conn, verdict.annotator),
        start=verdict.start, end=verdict.end, label=verdict.label, kind=verdict.kind,
        source=verdict.source, score=verdict.score, chosen=verdict.chosen, at=verdict.at,
    ))
    return command


@edits.run.register
def _(command: RemoveVerdict, conn: Connection, names: Names) -> Command:
    _, same = _where(conn, names, command.verdict)
    if not conn.execute(delete(V).where(same)).rowcount:
        raise ValidationError(f"{command.verdict.annotator} has no verdict on that suggestion "
                              "(it may have been taken back)")
    return command
