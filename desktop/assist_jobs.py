"""Training and suggesting as background jobs of the window (see :mod:`desktop.jobs`): each
opens its own store; progress goes out as ``stepped`` (done, total), and a cancel stops a
training after its current batch (the model before stays) or a suggest run before it stores
anything."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from annotate.errors import InputError
from annotate.model import Document
from annotate.patterns import language
from annotate.training import ModelSuggester, Plan, Scores, train
from db.store import Store
from desktop.cli_assist import Filled, fill, learnt_from, older_versions
from desktop.jobs import Job

EPOCHS = 10


@dataclass(frozen=True, slots=True)
class Trained:
    path: Path
    scores: dict[str, Scores]


class TrainJob(Job):
    """Train on ``layer`` (every label it uses) into ``out``; remembers the model in the store."""

    def __init__(self, location: str, layer: str, out: Path, epochs: int = EPOCHS) -> None:
        super().__init__(location)
        self.layer, self.out, self.epochs = layer, out, epochs

    def work(self, store: Store) -> Trained:
        labels = sorted({s.label for r in learnt_from(store, self.layer) for s in r.spans})
        if not labels:
            raise InputError(f"{self.layer} has no spans to learn from")
        lang = language(d.meta.get("language") for d in store.iter_texts())
        batches = [0]

        def tick() -> None:
            batches[0] += 1
            self.step(batches[0], 0)

        def epoch(done: int, epochs: int, _loss: float) -> None:
            self.signals.stepped.emit(done, epochs)
            self._stop_if_cancelled()

        plan = Plan(self.layer, labels, lang, epochs=self.epochs, progress=epoch, tick=tick)
        scores = train(learnt_from(store, self.layer), plan, self.out)
        store.record_model(str(self.out.resolve()), {
            label: (s.precision, s.recall, s.f1) for label, s in scores.items()})
        return Trained(self.out, scores)


class SuggestJob(Job):
    """Fill the suggestion layer of every document with the model at ``model``."""

    def __init__(self, location: str, model: Path, by: str, threshold: float = 0.5) -> None:
        super().__init__(location)
        self.model, self.by, self.threshold = model, by, threshold

    def work(self, store: Store) -> Filled:
        suggester = ModelSuggester(self.model, self.threshold)
        total = store.count_documents(index=False)

        def documents() -> Iterator[Document]:
            for n, document in enumerate(store.iter_texts(), start=1):
                self.step(n, total)
                yield document
        return fill(store, suggester, documents(), self.by, older_versions(store, suggester))
