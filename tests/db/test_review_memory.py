"""The review items of a long document are held as columns (issue 17 point 3: the window's
memory with the Adjudication tab in front): :func:`db.review.document_review` holds, and makes
at its peak, a bounded number of bytes per item, not an object per span and item."""

import gc
import tracemalloc

from annotate.model import AnnotatedDocument, Document, Span, new_ids
from db.review import document_review
from db.store import Store

WORDS = 20_000


def test_a_long_documents_items_take_few_bytes_each(store: Store) -> None:
    """20,000 spans of one annotator, 20,000 items: held ~190 bytes an item, ~320 at the
    peak of the read and plan (one chunk's Spans and Items among them); a Span, an Item and
    its tuple per span held ~580, ~720 at the peak (the code before fails)."""
    doc = Document("word " * WORDS, "long")
    spans = tuple(Span(doc.uid, 5 * k, 5 * k + 4, "CLAIM", "amina", sid)
                  for k, sid in enumerate(new_ids(WORDS)))
    store.import_documents([AnnotatedDocument(doc, spans)])
    del spans
    document_review(store, doc.uid)  # the store's caches filled: not counted
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        found = document_review(store, doc.uid)
        held, peak = (size - base for size in tracemalloc.get_traced_memory())
    finally:
        tracemalloc.stop()
    assert len(found.items) == WORDS and found.items[WORDS - 1].spans[0].start == 5 * WORDS - 5
    assert held / WORDS < 250, held / WORDS
    assert peak / WORDS < 400, peak / WORDS
