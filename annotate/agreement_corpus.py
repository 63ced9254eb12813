"""The corpus agreement is computed on, read as a stream: spans as arrays, texts reduced to token
counts a batch at a time, so memory follows the spans and not the texts.

A document is kept when at least two of the annotators counted it (marked it done, or have a
span in it, of any label). Of a kept document the corpus keeps its spans and relations as rows
(annotator, label, document, bounds on one line where document ``d`` starts at
``offsets[d]``), how many tokens it has, and, per annotator and label, how many of its tokens
that annotator's spans of the label cover (and per pair of annotators, how many both cover). The
texts are tokenized :data:`BATCH_CHARS` characters at a time, joined by newlines (no token
crosses a newline, so one tokenizer pass equals one per text), and dropped.

Who counts as an annotator and which labels count are settled once everything is read (the
defaults of :func:`annotate.agreement.compute_agreement` need the whole corpus); until then
every annotator that could be chosen and every label is kept.

A reader may give an :class:`Outline` instead of a document that :func:`compared` says is not
kept (fewer than two counted annotators): who has spans of which labels, statuses and
document labels are all the corpus reads of such a document, so its text and spans need never
be read.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterable, Mapping, Sequence
from itertools import chain, combinations
from typing import Any

import numpy as np

from annotate.agreement_outline import Outline, counted_by
from annotate.model import AnnotatedDocument, DocLabel, Document, Status
from annotate.tokenize import TOKEN

_INT = np.int64
BATCH_CHARS = 4_000_000
"""Characters of text tokenized at a time (then dropped)."""
_NO_ATTRIBUTES: Mapping[str, Any] = {}


class _Counts:
    """Per-document counts of one key, gathered a batch at a time: (documents, counts)."""

    def __init__(self) -> None:
        self.docs: list[np.ndarray] = []
        self.counts: list[np.ndarray] = []

    def add(self, first_doc: int, per_doc: np.ndarray) -> None:
        found = np.flatnonzero(per_doc)
        self.docs.append(found + first_doc)
        self.counts.append(per_doc[found])

    def dense(self, n_docs: int) -> np.ndarray:
        out = np.zeros(n_docs, _INT)
        if self.docs:
            out[np.concatenate(self.docs)] = np.concatenate(self.counts)
        return out


class Corpus:
    """The kept documents of ``documents`` for ``annotators`` (None: everyone but gold) and
    ``labels`` (None: every label), read once. :meth:`choose` then settles the annotators and
    labels the arrays are about (their indices: positions in :attr:`annotators` and
    :attr:`labels`)."""

    def __init__(self, documents: Iterable[AnnotatedDocument | Outline],
                 annotators: Sequence[str] | None,
                 labels: Sequence[str] | None) -> None:
        self._pool = None if annotators is None else set(annotators)
        self._names: dict[str, int] = {}  # annotator -> index while reading
        self._labels: dict[str, int] = (
            {} if labels is None else {name: i for i, name in enumerate(dict.fromkeys(labels))})
        self._fixed_labels = labels is not None
        self.documents = 0
        """How many documents were read."""
        self.named: set[str] = set()
        """Annotators with a span, a done status or a document label anywhere (gold too)."""
        self.used: set[tuple[str, str]] = set()
        """(annotator, label) of every span read."""
        self.light: list[AnnotatedDocument] = []
        """The documents with document labels or a done status, without text or spans: what
        document-label agreement reads."""
        self._done: list[tuple[int, int]] = []  # (document, annotator)
        self._touched: list[tuple[int, int]] = []
        # span rows (annotator, label, document, start, end): the batch's, then the batches'
        self._rows: list[list[int]] = [[], [], [], [], []]
        self._row_arrays: list[list[np.ndarray]] = [[], [], [], [], []]
        self._rows_before = 0  # rows of the batches before
        self._attributes: list[Mapping[str, Any]] = []
        self._interned: dict[Any, Mapping[str, Any]] = {}
        self._relations: list[tuple[int, int, int, int]] = []  # annotator, type, source, target
        # links across documents: (annotator, type, source row, hash of the target's id), and
        # the hash of every span row's id, to find their targets once every document is read
        self._across: list[tuple[int, int, int, int]] = []
        self._row_ids = array("q")
        self._types: dict[str, int] = {}
        self._offset = 0  # where the next kept document starts on the one line
        self._batch: list[str] = []
        self._batch_chars = 0
        self._batch_first_doc = 0  # the first kept document of the batch
        self._batch_offset = 0
        self._tokens: list[np.ndarray] = []  # tokens per kept document, a batch at a time
        self._ones: dict[tuple[int, int], _Counts] = {}  # (annotator, label)
        self._both: dict[tuple[int, int, int], _Counts] = {}  # (annotator, annotator, label)
        self.offsets: list[int] = []
        for doc in documents:
            if isinstance(doc, Outline):
                self._skip(doc)
            else:
                self._read(doc)
            del doc  # no document outlives its turn
        self._flush()

    # -- reading ---------------------------------------------------------------------------
    def _note(self, uid: str, labels: Mapping[str, Iterable[str]], status: Mapping[str, Status],
              doc_labels: tuple[DocLabel, ...]) -> list[str]:
        """Count a document read, note who and which labels it names; the annotators who
        count it."""
        self.documents += 1
        done = {a for a, state in status.items() if state == "done"}
        self.named.update(labels, done, (x.annotator for x in doc_labels))
        self.used.update((a, label) for a, names in labels.items() for label in names)
        if doc_labels or done:
            self.light.append(AnnotatedDocument(Document("", uid=uid), (), (), dict(status),
                                                doc_labels))
        return counted_by(labels, status, self._pool)

    def _skip(self, outline: Outline) -> None:
        counted = self._note(outline.uid, outline.labels, outline.status, outline.doc_labels)
        if len(counted) >= 2:
            raise ValueError(f"document {outline.uid!r} is compared: its outline is not enough")

    def _read(self, doc: AnnotatedDocument) -> None:
        labels: dict[str, set[str]] = {}
        for s in doc.spans:
            labels.setdefault(s.annotator, set()).add(s.label)
        counted = self._note(doc.document.uid, labels, doc.status, doc.doc_labels)
        if len(counted) < 2:
            return
        present = labels.keys()
        done = {a for a, state in doc.status.items() if state == "done"}
        d = len(self.offsets)
        names = self._names
        for a in counted:
            index = names.setdefault(a, len(names))
            if a in done:
                self._done.append((d, index))
            if a in present:
                self._touched.append((d, index))
        text = doc.document.text
        self.offsets.append(self._offset)
        self._read_spans(doc, d, self._offset)
        self._offset += len(text) + 1
        self._batch.append(text)
        self._batch_chars += len(text) + 1
        if self._batch_chars >= BATCH_CHARS:
            self._flush()

    def _read_spans(self, doc: AnnotatedDocument, d: int, offset: int) -> None:
        ann, lab, doc_of, start, end = self._rows
        first, before = len(ann), self._rows_before
        rows: dict[str, int] = {}
        names, labels = self._names, self._labels
        for s in doc.spans:
            a = names.get(s.annotator)
            if a is None:
                continue  # not counted
            lb = labels.get(s.label)
            if lb is None:
                if self._fixed_labels:
                    continue
                lb = labels[s.label] = len(labels)
            rows[s.id] = before + len(ann)
            self._row_ids.append(hash(s.id))
            ann.append(a)
            lab.append(lb)
            start.append(offset + s.start)
            end.append(offset + s.end)
            self._attributes.append(self._intern(s.attributes))
        doc_of.extend([d] * (len(ann) - first))
        for r in doc.relations:
            a = names.get(r.annotator)
            if a is None or r.source not in rows:
                continue
            if r.crosses:
                t = self._types.setdefault(r.type, len(self._types))
                self._across.append((a, t, rows[r.source], hash(r.target)))
            elif r.target in rows:
                t = self._types.setdefault(r.type, len(self._types))
                self._relations.append((a, t, rows[r.source], rows[r.target]))

    def _intern(self, attributes: Mapping[str, Any]) -> Mapping[str, Any]:
        """One object for equal attributes: a corpus holds few distinct ones."""
        if not attributes:
            return _NO_ATTRIBUTES
        try:
            key = tuple(sorted(attributes.items()))
            return self._interned.setdefault(key, attributes)
        except TypeError:  # an unhashable or unorderable value: kept as it is
            return attributes

    def _flush(self) -> None:
        """Token counts of the batch's documents; their texts are then dropped."""
        if not self._batch:
            return
        joined = "\n".join(self._batch)
        self._batch.clear()
        width = np.int32 if len(joined) < 2**31 else _INT  # token bounds: half the memory
        bounds = np.fromiter(chain.from_iterable(map(re.Match.span, TOKEN.finditer(joined))),
                             width)
        del joined
        token_start, token_end = bounds[0::2], bounds[1::2]
        n_tokens = len(token_start)
        first_doc, base = self._batch_first_doc, self._batch_offset
        starts = np.array(self.offsets[first_doc:], _INT) - base
        doc_tokens = np.searchsorted(token_start, np.append(starts, self._offset - base))
        self._tokens.append(np.diff(doc_tokens))
        ann, lab, _, start, end = columns = [np.array(c, _INT) for c in self._rows]
        for kept, column, rows in zip(self._row_arrays, columns, self._rows, strict=True):
            kept.append(column)
            rows.clear()
        self._rows_before += len(ann)
        first = np.searchsorted(token_end, start - base, side="right")
        stop = np.searchsorted(token_start, end - base, side="left")

        def per_document(flags: np.ndarray) -> np.ndarray:
            totals = np.zeros(n_tokens + 1, _INT)
            np.cumsum(flags, out=totals[1:])
            return totals[doc_tokens[1:]] - totals[doc_tokens[:-1]]

        key = lab * (len(self._names) + 1) + ann
        order = np.argsort(key, kind="stable")
        keys, cuts = np.unique(key[order], return_index=True)
        cuts = np.append(cuts, len(order))
        covers: dict[int, dict[int, np.ndarray]] = {}  # label -> annotator -> covered tokens
        for k in range(len(keys)):
            rows = order[cuts[k] : cuts[k + 1]]
            a, lb = int(ann[rows[0]]), int(lab[rows[0]])
            edges = np.bincount(first[rows], minlength=n_tokens + 1)
            edges -= np.bincount(stop[rows], minlength=n_tokens + 1)
            cover = np.cumsum(edges[:n_tokens], out=edges[:n_tokens]) > 0  # in place
            covers.setdefault(lb, {})[a] = cover
            self._ones.setdefault((a, lb), _Counts()).add(first_doc, per_document(cover))
        for lb, by in covers.items():
            for a, b in combinations(sorted(by), 2):
                both = per_document(by[a] & by[b])
                self._both.setdefault((a, b, lb), _Counts()).add(first_doc, both)
        self._batch_chars = 0
        self._batch_first_doc = len(self.offsets)
        self._batch_offset = self._offset

    # -- the chosen annotators and labels --------------------------------------------------
    def choose(self, annotators: Sequence[str], labels: Sequence[str]) -> None:
        """Settle the arrays on ``annotators`` and ``labels`` (each a subset of what was kept
        while reading, in the order given)."""
        self.annotators, self.labels = list(annotators), list(labels)
        n_docs = len(self.offsets)
        ann_map = np.full(len(self._names) + 1, -1, _INT)
        for i, name in enumerate(annotators):
            if name in self._names:
                ann_map[self._names[name]] = i
        label_map = np.full(len(self._labels) + 1, -1, _INT)
        for i, name in enumerate(labels):
            if name in self._labels:
                label_map[self._labels[name]] = i
        self._ann_map = ann_map
        self._label_map = label_map

        shape = (len(annotators), n_docs)
        self.done = self._flags(self._done, shape)
        self.touched = self._flags(self._touched, shape)
        self.counted = self.done | self.touched
        self.tokens_per_doc = (np.concatenate(self._tokens) if self._tokens
                               else np.zeros(0, _INT))

        ann, lab, doc, start, end = (np.concatenate(c) if c else np.zeros(0, _INT)
                                     for c in self._row_arrays)
        ann, lab = ann_map[ann], label_map[lab]
        keep = (ann >= 0) & (lab >= 0)
        self.ann, self.label, self.doc = ann[keep], lab[keep], doc[keep]
        self.start, self.end = start[keep], end[keep]
        self.attributes = [x for x, k in zip(self._attributes, keep.tolist(), strict=True) if k]
        row = np.cumsum(keep) - 1  # old row -> new row
        rel = np.concatenate([np.array(self._relations, _INT).reshape(-1, 4), self._links_across()])
        rel_keep = (ann_map[rel[:, 0]] >= 0) & keep[rel[:, 2]] & keep[rel[:, 3]]
        rel = rel[rel_keep]
        self.relations = np.stack(
            [ann_map[rel[:, 0]], rel[:, 1], row[rel[:, 2]], row[rel[:, 3]]], axis=1
        ).reshape(-1, 4)

    def _links_across(self) -> np.ndarray:
        """The links across documents as relation rows (annotator, type, source, target), each
        whose target span was read (in a kept document, of a counted annotator and label)."""
        across = np.array(self._across, _INT).reshape(-1, 4)
        ids = np.frombuffer(self._row_ids, _INT)
        order = np.argsort(ids, kind="stable")
        at = np.searchsorted(ids[order], across[:, 3])
        at[at == len(ids)] = 0
        found = (ids[order][at] == across[:, 3]) if len(ids) else np.zeros(len(across), bool)
        across = across[found]
        across[:, 3] = order[at[found]]
        return across

    def _flags(self, pairs: list[tuple[int, int]], shape: tuple[int, int]) -> np.ndarray:
        flags = np.zeros(shape, bool)
        found = np.array(pairs, _INT).reshape(-1, 2)
        who = self._ann_map[found[:, 1]]
        mine = who >= 0
        flags[who[mine], found[mine, 0]] = True
        return flags

    def pair_documents(self, a: int, b: int) -> np.ndarray:
        """Which documents count for the pair: both done, or both with a span."""
        return (self.done[a] & self.done[b]) | (self.touched[a] & self.touched[b])

    def ones(self, label: int) -> np.ndarray:
        """Per chosen annotator and document, how many tokens its spans of ``label`` cover."""
        out = np.zeros((len(self.annotators), len(self.offsets)), _INT)
        for (a, lb), counts in self._ones.items():
            i = self._ann_map[a]
            if i >= 0 and self._label_map[lb] == label:
                out[i] = counts.dense(len(self.offsets))
        return out

    def both(self, label: int, a: int, b: int) -> np.ndarray:
        """Per document, how many tokens spans of ``label`` by both ``a`` and ``b`` cover."""
        x, y = sorted((self._names.get(self.annotators[a], -1),
                       self._names.get(self.annotators[b], -1)))
        internal = next((lb for lb, i in enumerate(self._label_map) if i == label), -1)
        found = self._both.get((x, y, internal))
        return found.dense(len(self.offsets)) if found else np.zeros(len(self.offsets), _INT)
