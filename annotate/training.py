"""A model trained here, on this corpus: a blank spaCy pipeline of the corpus language with a
span categoriser (so overlapping and nested spans are learnt too), on the CPU, from one layer
(gold, or an annotator's); and the suggestions it makes.

Documents are split by a hash of their uid (the same split every run, whatever the order):
about ``dev`` of them are held out, never trained on, and scored after the last epoch:
precision, recall and F1 per label. The model is written to a temporary folder beside the
target and renamed into place only when complete: a cancelled or failed run leaves what was
there before. Nothing is downloaded: the pipeline is blank, and loading reads only the folder.
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import tempfile
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from annotate.errors import InputError
from annotate.formats.spacy_docbin import spacy_module
from annotate.model import AnnotatedDocument
from annotate.suggestions import Suggestion

SPANS_KEY = "sc"
META_KEY = "counterclaim"
"""The key of the pipeline's meta.json that says what it was trained on (and marks a folder as
a model made here, which a new training may replace)."""
MAX_SPAN_TOKENS = 12
"""The longest span (in tokens) the span categoriser considers."""


@dataclass(frozen=True, slots=True)
class Scores:
    """Precision, recall and F1 of one label on the held-out documents."""

    precision: float
    recall: float
    f1: float


@dataclass
class Plan:
    """What to train: the documents of the layer ``layer`` (each record's spans of it), the
    ``labels`` learnt, the language, the share held out, the epochs."""

    layer: str
    labels: Sequence[str]
    lang: str
    dev: float = 0.2
    epochs: int = 10
    seed: int = 0
    progress: Callable[[int, int, float], None] | None = None
    """Called after each epoch: (epoch, epochs, loss). It may raise to cancel."""
    tick: Callable[[], None] | None = None
    """Called after each batch of an epoch. It may raise to cancel."""
    meta: dict[str, Any] = field(default_factory=dict)


def worked_on(records: Iterable[AnnotatedDocument], layer: str,
              judged: Collection[str]) -> Iterator[AnnotatedDocument]:
    """The records ``layer`` worked on, what it learns from: with a span of theirs, marked
    done by them, or (``judged``: document uids) where they judged a suggestion; the rest
    are left out (nothing there says "no span")."""
    for record in records:
        if any(s.annotator == layer for s in record.spans) or \
                record.status.get(layer) == "done" or record.document.uid in judged:
            yield record


def held_out(uid: str, dev: float) -> bool:
    """Whether document ``uid`` is in the held-out share ``dev`` (stable: by its hash)."""
    digest = hashlib.sha256(f"split:{uid}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < dev


def _docs(nlp: Any, records: Iterable[AnnotatedDocument], plan: Plan) -> Iterator[tuple[Any, bool]]:
    """Each record as a spaCy Doc whose span group holds the layer's spans of the plan's labels
    (snapped out to whole tokens), and whether it is held out."""
    wanted = set(plan.labels)
    for record in records:
        doc = nlp.make_doc(record.document.text)
        spans = []
        for span in record.spans:
            if span.annotator == plan.layer and span.label in wanted:
                found = doc.char_span(span.start, span.end, span.label,
                                      alignment_mode="expand")
                if found is not None:
                    spans.append(found)
        doc.spans[SPANS_KEY] = spans
        yield doc, held_out(record.document.uid, plan.dev)


def train(records: Iterable[AnnotatedDocument], plan: Plan, out: Path) -> dict[str, Scores]:
    """Train on ``records`` as ``plan`` says and write the pipeline to ``out`` (a new folder,
    or one a training here wrote before, which is replaced); returns the held-out scores per
    label. InputError when there is nothing to learn from."""
    spacy = spacy_module()
    from spacy.training import Example
    from spacy.util import minibatch

    check_target(out)
    spacy.util.fix_random_seed(plan.seed)  # the same data and plan train the same model
    nlp = spacy.blank(plan.lang)
    train_docs: list[Any] = []
    dev_docs: list[Any] = []
    for doc, dev in _docs(nlp, records, plan):
        (dev_docs if dev else train_docs).append(doc)
    spans = sum(len(d.spans[SPANS_KEY]) for d in train_docs)
    if not spans:
        raise InputError(f"{plan.layer} has no spans of {', '.join(plan.labels)} to learn from "
                         "(outside the held-out documents)")
    longest = max(len(s) for d in train_docs for s in d.spans[SPANS_KEY])
    nlp.add_pipe("spancat", config={
        "spans_key": SPANS_KEY,
        "suggester": {"@misc": "spacy.ngram_range_suggester.v1", "min_size": 1,
                      "max_size": min(longest, MAX_SPAN_TOKENS)},
    })
    examples = [Example(nlp.make_doc(d.text), d) for d in train_docs]
    random.Random(plan.seed).shuffle(examples)
    spancat = nlp.get_pipe("spancat")
    for label in plan.labels:
        spancat.add_label(label)
    optimizer = nlp.initialize(lambda: examples)
    rng = random.Random(plan.seed)
    for epoch in range(1, plan.epochs + 1):
        losses: dict[str, float] = {}
        rng.shuffle(examples)
        for batch in minibatch(examples, size=16):
            nlp.update(batch, sgd=optimizer, losses=losses, drop=0.1)
            if plan.tick is not None:
                plan.tick()
        if plan.progress is not None:
            plan.progress(epoch, plan.epochs, losses.get("spancat", 0.0))
    scores = evaluate(nlp, dev_docs, plan.labels)
    nlp.meta["name"] = "counterclaim_suggester"
    nlp.meta[META_KEY] = plan.meta | {
        "trained": _version_time(), "layer": plan.layer, "labels": list(plan.labels),
        "train_documents": len(train_docs), "dev_documents": len(dev_docs),
        "train_spans": spans,
        "scores": {k: [v.precision, v.recall, v.f1] for k, v in scores.items()},
    }
    _write(nlp, out)
    return scores


def evaluate(nlp: Any, dev_docs: Sequence[Any], labels: Sequence[str]) -> dict[str, Scores]:
    """Per-label scores of ``nlp`` on ``dev_docs`` (their spans are the truth); a label the
    held-out documents never hold and the model never predicts there scores 0. None at all
    when no document was held out (too few documents: nothing can be scored)."""
    from spacy.training import Example

    if not dev_docs:
        return {}
    examples = [Example(nlp.make_doc(d.text), d) for d in dev_docs]
    found = nlp.evaluate(examples).get(f"spans_{SPANS_KEY}_per_type", {})
    return {label: Scores(*(float(found.get(label, {}).get(k, 0.0)) for k in "prf"))
            for label in labels}


def check_target(out: Path) -> None:
    """InputError unless ``out`` is free, an empty folder, or a model trained here."""
    if out.exists() and not (out.is_dir() and (not any(out.iterdir()) or is_model(out))):
        raise InputError("exists and is not a model trained here: choose another folder",
                         str(out))


def is_model(path: Path) -> bool:
    """Whether ``path`` holds a pipeline that :func:`train` wrote."""
    meta = path / "meta.json"
    try:
        return META_KEY in json.loads(meta.read_text(encoding="utf-8"))
    except (OSError, ValueError, TypeError):
        return False


def _version_time() -> str:
    """When a model was trained, to the microsecond: it names the model's version in its
    suggestions' source, so two trainings within one second must not share it."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _write(nlp: Any, out: Path) -> None:
    """Write the pipeline beside ``out``, then put it in place of whatever model was there."""
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        nlp.to_disk(staging)
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}-old-", dir=out.parent))
            out.rename(old / "model")
            staging.rename(out)
            shutil.rmtree(old)
        else:
            staging.rename(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


class ModelSuggester:
    """A pipeline trained here, loaded from its folder, suggesting the spans it finds with
    their scores."""

    def __init__(self, path: Path, threshold: float = 0.5) -> None:
        spacy = spacy_module()
        if not is_model(path):
            raise InputError("not a model trained here (counterclaim train writes one)",
                             str(path))
        self.nlp = spacy.load(path)
        spancat = self.nlp.get_pipe("spancat")
        spancat.cfg["threshold"] = threshold
        made = self.nlp.meta[META_KEY]
        self.meta: dict[str, Any] = made
        self.source = f"model:{path.name}@{made.get('trained', '')}"
        """Names the model and its version (when it was trained)."""
        self.labels: list[str] = list(made.get("labels", ()))

    def suggest(self, documents: Iterable[tuple[str, str]],
                batch: int = 64) -> Iterator[Suggestion]:
        """The spans found in ``documents`` (uid, text), document by document."""
        pairs = ((text, uid) for uid, text in documents)
        for doc, uid in self.nlp.pipe(pairs, as_tuples=True, batch_size=batch):
            group = doc.spans[SPANS_KEY]
            scores = group.attrs.get("scores")
            for n, span in enumerate(group):
                score = float(scores[n].max()) if scores is not None else 1.0
                yield Suggestion(uid, span.start_char, span.end_char, span.label_,
                                 self.source, min(max(score, 0.0), 1.0))
