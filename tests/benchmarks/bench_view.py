"""Speed of the text view on a big document, against a bare QPlainTextEdit in the same run.

    python tests/benchmarks/bench_view.py [--quick] [--edit MODULE:FUNCTION]

A generated text of 5,000,000 characters in 50,000 lines (a few emoji among them) carries 20,000
spans, 10% of them overlapping another, and 2,000 links between them (most to a span a few spans
on, one in ten to one anywhere); the seed is fixed. The ratios (lower is better):

- open_ratio: ``set_document(text, spans)`` and ``set_links(links)`` plus the first painted
  frame (``viewport().repaint()``), over a bare ``setPlainText`` of the same display text plus
  its first frame (target <= 1.3);
- repaint_ratio: median ``viewport().repaint()`` at 50 scroll positions with spans and links,
  over the same scrolling of the bare widget (target <= 1.5); each position is timed 3 times
  after a warm-up sweep and its fastest time kept;
- lane_ratio: the link lane beside the text (a widget of its own) repainted the same way, over
  the bare text (informative); frame_ratio: text and lane together, two forced repaints where
  a scroll on screen paints both in one pass (informative);
- update_ratio: an edit (by default ``update_spans`` with one new span on screen) plus the repaint,
  over the bare repaint (informative). ``--edit MODULE:FUNCTION`` swaps in another edit: it is
  called as ``function(view, offset)`` and must change the view's spans near code point ``offset``
  (e.g. through the Store, then ``update_spans``);
- edit_ratio: the whole path of creating a span, in a store already holding the document and
  100,000 spans (five annotators; the view shows one layer of 20,000): ``CreateSpan`` through
  ``Store.apply``, the ChangeSet's spans read back and styled as the editor does,
  ``update_spans``, and the event loop run until it has repainted what ``update_spans`` marked
  (as after a real edit: only the blocks the span touches); over a plain sqlite3 INSERT of one
  span row + COMMIT into an equivalent table of 100,000 rows, same WAL and synchronous setting
  (target <= 3). edit_full_repaint_ratio forces a full ``viewport().repaint()`` instead
  (informative). The kinds take turns edit by edit, so that the disk's fsync moods hit all.

--quick runs a tenth of the size. The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "offscreen"
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench_store import BASELINE_SCHEMA, baseline_connection
from PySide6.QtWidgets import QApplication, QPlainTextEdit

from annotate.commands import CreateSpan
from annotate.model import AnnotatedDocument, Document, Span
from annotate.offsets import OffsetMap, display_text
from db.store import Store
from desktop.pending import WAIT_MS
from desktop.textview import LinkStyle, SpanStyle, SpanTextView, style_for

SEED = 20240725
WIDTH, HEIGHT = 900, 700
POSITIONS = 50
WORDS = ("army", "convoy", "north", "ambush", "killed", "sources", "reported", "denied", "column",
         "statement", "drone", "desert", "losses", "said", "rebels", "border", "the", "of", "and")
CATEGORIES = (("claim", "CLAIM", "#E69F00"), ("entity", "PERSON", "#56B4E9"),
              ("entity", "ORG", "#009E73"), ("denial", "DENIAL", "#D55E00"),
              ("other", "NOTE", "#CC79A7"))

Edit = Callable[[SpanTextView, int], object]


def make_document(chars: int, lines: int, spans: int, seed: int = SEED) -> tuple[str, list]:
    """``lines`` lines of words, ``chars`` characters in all, and ``spans`` spans of which a tenth
    nest in or cross another one."""
    rng = random.Random(seed)
    width = chars // lines - 1
    rows = []
    for n in range(lines):
        row, size = [], 0
        while size <= width:
            word = "🔥" if n % 500 == 7 and not row else rng.choice(WORDS)
            row.append(word)
            size += len(word) + 1
        rows.append(" ".join(row)[:width])
    text = "\n".join(rows)
    plain = spans - spans // 10
    slot = len(text) // plain
    made: list[SpanStyle] = []
    for n in range(plain):
        length = rng.randint(5, min(200, slot - 1))
        start = n * slot + rng.randrange(slot - length)
        made.append(_span(rng, f"s{n}", start, start + length))
    for n in range(spans - plain):
        base = made[rng.randrange(plain)]
        start = rng.randrange(base.start, base.end - 1)
        end = rng.randrange(start + 1, base.end) if rng.random() < 0.5 else base.end + 20
        made.append(_span(rng, f"o{n}", start, min(end, len(text))))
    return text, made


def make_links(spans: list[SpanStyle], count: int, seed: int = SEED) -> list[LinkStyle]:
    """``count`` links between ``spans``: nine in ten to a span at most five further on in the
    text, the rest to any span."""
    rng = random.Random(seed)
    ordered = sorted(spans, key=lambda s: s.start)
    links = []
    for n in range(count):
        k = rng.randrange(len(ordered))
        other = (rng.randrange(len(ordered)) if n % 10 == 9
                 else min(k + rng.randint(1, 5), len(ordered) - 1))
        links.append(LinkStyle(f"l{n}", "ABOUT", ordered[k].id, ordered[other].id, "#0072B2"))
    return links


def _span(rng: random.Random, span_id: str, start: int, end: int) -> SpanStyle:
    category, label, color = rng.choice(CATEGORIES)
    return SpanStyle(span_id, start, end, label, category, color, 0, f"annotator: bench\n{span_id}")


def timed(action: Callable[[], object]) -> float:
    """Seconds ``action`` takes, with the garbage collector held off."""
    gc.disable()
    try:
        start = time.perf_counter()
        action()
        return time.perf_counter() - start
    finally:
        gc.enable()


def fresh(app: QApplication, kind: type[QPlainTextEdit]) -> QPlainTextEdit:
    widget = kind()
    widget.resize(WIDTH, HEIGHT)
    widget.show()
    app.processEvents()
    return widget


def dispose(app: QApplication, widget: QPlainTextEdit) -> None:
    widget.close()
    widget.deleteLater()
    app.processEvents()


def measure_open(app: QApplication, text: str, spans: list, links: list, repeats: int,
                 ) -> tuple[float, float]:
    """Median seconds to the first painted frame: (bare, with spans and links)."""
    shown = display_text(text)
    bare_times, view_times = [], []
    for _ in range(repeats):
        bare = fresh(app, QPlainTextEdit)
        bare_times.append(timed(lambda w=bare: (w.setPlainText(shown), w.viewport().repaint())))
        dispose(app, bare)
        view = fresh(app, SpanTextView)
        view_times.append(timed(lambda w=view: (w.set_document(text, spans), w.set_links(links),
                                                w.viewport().repaint())))
        if view.painted_span_count == 0:
            raise SystemExit("the first frame painted no spans")
        dispose(app, view)
    return statistics.median(bare_times), statistics.median(view_times)


def scroll_values(widget: QPlainTextEdit) -> list[int]:
    top = widget.verticalScrollBar().maximum()
    return [top * n // (POSITIONS - 1) for n in range(POSITIONS)]


def sweep(app: QApplication, steps: list[Callable[[], object]], widgets: list[QPlainTextEdit],
          ) -> list[list[float]]:
    """Seconds of ``steps[k]`` at each scroll position, per step; ``steps[k]`` works on
    ``widgets[k]``, and the widgets take turns at every position so drift hits all alike."""
    times: list[list[float]] = [[] for _ in steps]
    for n in range(POSITIONS):
        for step, widget, row in zip(steps, widgets, times, strict=True):
            widget.verticalScrollBar().setValue(scroll_values(widget)[n])
            app.processEvents()
            row.append(timed(step))
            app.processEvents()
    return times


def repaints(app: QApplication, parts: list[tuple[Callable[[], object], QPlainTextEdit]],
             rounds: int) -> tuple[list[float], list[float]]:
    """Median seconds of each ``(repaint, widget)`` part, ``widget`` scrolled to each position:
    over the first sweep, and over the fastest of ``rounds`` later sweeps at each position."""
    steps = [step for step, _ in parts]
    widgets = [widget for _, widget in parts]
    first = sweep(app, steps, widgets)
    later = [sweep(app, steps, widgets) for _ in range(rounds)]
    fastest = [[min(runs) for runs in zip(*(r[k] for r in later), strict=True)]
               for k in range(len(widgets))]
    return [statistics.median(t) for t in first], [statistics.median(t) for t in fastest]


def default_edit(view: SpanTextView, offset: int) -> None:
    """One new claim of a few words at ``offset``, as a store change would deliver it."""
    end = min(offset + 30, len(view.text()))
    view.update_spans([SpanStyle(f"new{offset}", offset, end, "CLAIM", "claim", "#E69F00")])


def load_edit(spec: str | None) -> Edit:
    if not spec:
        return default_edit
    module, _, name = spec.partition(":")
    return getattr(importlib.import_module(module), name)


STORED_LABELS = ("CLAIM", "DENIAL", "PERSON", "ORG", "LOCATION")
ANNOTATORS = ("bench", "amina", "bo", "chen", "dana")
EDITS = 40


def stored_spans(text: str, uid: str, count: int, seed: int = SEED) -> list[Span]:
    """``count`` spans of 5..60 characters spread over ``text``, by five annotators in turn
    (the view shows the first one's layer, as dense as the other measures' spans)."""
    rng = random.Random(seed)
    slot = len(text) // count
    spans = []
    for n in range(count):
        start = n * slot + rng.randrange(max(slot - 60, 1))
        end = min(start + rng.randint(5, 60), len(text))
        spans.append(Span(uid, start, end, STORED_LABELS[n % len(STORED_LABELS)],
                          ANNOTATORS[n % len(ANNOTATORS)], f"stored{n}", {}, None,
                          "2026-11-21T10:00:00Z"))
    return spans


def measure_store_edit(app: QApplication, folder: Path, text: str, count: int,
                       ) -> tuple[float, float, float]:
    """Median seconds of: one span row INSERT + COMMIT in plain sqlite3; a span created through
    the store until the view has repainted it; the same with a full repaint forced after it.
    Each over ``EDITS`` edits, on tables already holding ``count`` spans; the three kinds take
    turns edit by edit, so that the disk's moods (fsync) hit them alike."""
    document = Document(text, "bench")
    spans = stored_spans(text, document.uid, count)
    store = Store.open(folder / "edit.sqlite", WAIT_MS)  # as the window opens it
    baseline = baseline_table(folder / "baseline.sqlite", spans)
    try:
        store.import_documents([AnnotatedDocument(document, tuple(spans))])
        schema = store.schema()
        view = fresh(app, SpanTextView)
        view.set_document(text, [style_for(s, schema.label(s.label))
                                 for s in store.spans(document.uid, [ANNOTATORS[0]])])
        offsets = OffsetMap(text)
        top = view.verticalScrollBar().maximum()

        def create(n: int) -> None:  # as the editor does it: apply, read back, show
            offset = offsets.from_qt(view.firstVisibleBlock().position()) + n % 40
            span = Span(document.uid, offset, offset + 30, "CLAIM", ANNOTATORS[0], f"new{n}")
            changes = store.apply(CreateSpan(span), ANNOTATORS[0])
            view.update_spans([style_for(store.span(i), schema.label("CLAIM"))
                               for i in changes.spans])

        def shown(n: int) -> None:  # the view repaints what update_spans marked
            view.painted_span_count = -1
            create(n)
            app.processEvents()
            if view.painted_span_count < 1:
                raise SystemExit("the edit was not repainted")

        def insert(n: int) -> None:
            baseline.execute("BEGIN")
            baseline.execute("INSERT INTO spans VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                             (f"new{n}", 1, 1, 1, n, n + 30, "{}", None, "2026-11-21T10:00:00Z",
                              ""))
            baseline.execute("COMMIT")

        times: list[list[float]] = [[], [], []]
        for n in range(EDITS):
            view.verticalScrollBar().setValue(top * n // EDITS)
            app.processEvents()
            times[0].append(timed(lambda n=n: insert(n)))
            times[1].append(timed(lambda n=n: shown(2 * n)))
            times[2].append(timed(lambda n=n: (create(2 * n + 1), view.viewport().repaint())))
        dispose(app, view)
    finally:
        store.close()
        baseline.close()
    insert_s, shown_s, full_s = (statistics.median(t) for t in times)
    return insert_s, shown_s, full_s


def baseline_table(path: Path, spans: list[Span]) -> sqlite3.Connection:
    """A plain sqlite3 store (bench_store's tables and settings) already holding ``spans``."""
    conn = baseline_connection(path)
    conn.executescript(BASELINE_SCHEMA)
    conn.execute("INSERT INTO documents VALUES (1, 'bench', 'bench', '', 0, '{}', '')")
    rows = [(s.id, 1, 1, 1, s.start, s.end, "{}", None, s.created, s.created) for s in spans]
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO spans VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    conn.execute("COMMIT")
    return conn


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the size")
    parser.add_argument("--edit", metavar="MODULE:FUNCTION", help="the edit timed for update_ratio")
    args = parser.parse_args(argv)
    scale = 10 if args.quick else 1
    app = QApplication.instance() or QApplication([])
    text, spans = make_document(5_000_000 // scale, 50_000 // scale, 20_000 // scale)
    links = make_links(spans, len(spans) // 10)
    print(f"document: {len(text):,} characters, {text.count(chr(10)) + 1:,} lines, "
          f"{len(spans):,} spans, {len(links):,} links")

    bare_open, view_open = measure_open(app, text, spans, links, repeats=3 if args.quick else 5)
    print(f"open: bare {bare_open * 1e3:.1f} ms, with spans {view_open * 1e3:.1f} ms")

    bare = fresh(app, QPlainTextEdit)
    bare.setPlainText(display_text(text))
    view = fresh(app, SpanTextView)
    view.set_document(text, spans)
    view.set_links(links)
    (bare_cold, view_cold, lane_cold), (bare_repaint, view_repaint, lane_repaint) = repaints(
        app, [(bare.viewport().repaint, bare), (view.viewport().repaint, view),
              (view.lane.repaint, view)], rounds=3)
    print(f"repaint: bare {bare_repaint * 1e3:.3f} ms, with spans {view_repaint * 1e3:.3f} ms, "
          f"link lane {lane_repaint * 1e3:.3f} ms (first sweep {bare_cold * 1e3:.3f} / "
          f"{view_cold * 1e3:.3f} / {lane_cold * 1e3:.3f} ms)")

    edit, offsets = load_edit(args.edit), OffsetMap(text)
    count = iter(range(POSITIONS))

    def change() -> None:  # a new span on the first visible line, then the frame
        offset = offsets.from_qt(view.firstVisibleBlock().position()) + next(count) % 40
        edit(view, offset)
        view.viewport().repaint()

    bare_times, view_times = sweep(app, [bare.viewport().repaint, change], [bare, view])
    bare_update, view_update = statistics.median(bare_times), statistics.median(view_times)
    print(f"update: {view_update * 1e3:.3f} ms ({args.edit or 'update_spans'}), "
          f"bare repaint {bare_update * 1e3:.3f} ms")

    dispose(app, view)
    dispose(app, bare)
    with tempfile.TemporaryDirectory() as tmp:
        insert_s, edit_s, edit_full_s = measure_store_edit(app, Path(tmp), text, 100_000 // scale)
    print(f"edit: {edit_s * 1e3:.2f} ms (store apply, read back, update_spans, the repaint), "
          f"{edit_full_s * 1e3:.2f} ms with a full repaint; sqlite3 insert + commit "
          f"{insert_s * 1e3:.2f} ms")

    result = {
        "open_ratio": round(view_open / bare_open, 3),
        "repaint_ratio": round(view_repaint / bare_repaint, 3),
        "lane_ratio": round(lane_repaint / bare_repaint, 3),
        "frame_ratio": round((view_repaint + lane_repaint) / bare_repaint, 3),
        "update_ratio": round(view_update / bare_update, 3),
        "edit_ratio": round(edit_s / insert_s, 3),
        "open_bare_s": round(bare_open, 5),
        "open_view_s": round(view_open, 5),
        "repaint_bare_s": round(bare_repaint, 6),
        "repaint_view_s": round(view_repaint, 6),
        "repaint_bare_first_sweep_s": round(bare_cold, 6),
        "repaint_view_first_sweep_s": round(view_cold, 6),
        "repaint_lane_s": round(lane_repaint, 6),
        "update_s": round(view_update, 6),
        "update_bare_repaint_s": round(bare_update, 6),
        "edit": args.edit or "update_spans",
        "edit_full_repaint_ratio": round(edit_full_s / insert_s, 3),
        "edit_s": round(edit_s, 6),
        "edit_full_repaint_s": round(edit_full_s, 6),
        "edit_insert_s": round(insert_s, 6),
        "characters": len(text),
        "spans": len(spans),
        "links": len(links),
        "quick": args.quick,
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
