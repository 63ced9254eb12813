"""Store benchmark: import and export of a large native JSONL corpus against plain sqlite3.

import_ratio = Counterclaim import (file -> store) / sqlite3 executemany of the same rows
into equivalent tables in one transaction; export_ratio = Counterclaim native export /
sqlite3 select of the same rows + json.dumps + write. Both baselines run in the same
process, on the same disk, with the same PRAGMAs. The import's peak memory is measured in a
child process and compared with the largest document.

    python tests/benchmarks/bench_store.py [--quick] [--docs N]
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from common import generate, report, timed

from annotate.formats import native
from db.engine import SYNCHRONOUS
from db.store import Store
from db.transfer import export, import_paths

BASELINE_SCHEMA = """
CREATE TABLE documents (id INTEGER PRIMARY KEY, uid TEXT UNIQUE NOT NULL, title TEXT NOT NULL,
    text TEXT NOT NULL, length INTEGER NOT NULL, meta TEXT NOT NULL, added_at TEXT NOT NULL);
CREATE TABLE spans (id TEXT PRIMARY KEY, document_id INTEGER NOT NULL REFERENCES documents(id),
    annotator_id INTEGER NOT NULL, label_id INTEGER NOT NULL, start INTEGER NOT NULL,
    "end" INTEGER NOT NULL, attributes TEXT NOT NULL, note TEXT, created TEXT NOT NULL,
    updated TEXT NOT NULL);
CREATE INDEX ix_spans_document_start ON spans (document_id, start);
CREATE INDEX ix_spans_label_id ON spans (label_id);
"""


def baseline_connection(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(f"PRAGMA synchronous={SYNCHRONOUS}")
    conn.execute("PRAGMA foreign_keys=ON")
    return conn


def baseline_import(path: Path, source: Path) -> float:
    """Rows prepared in memory first (not timed), then inserted in one transaction."""
    docs, spans = [], []
    with open(source, encoding="utf-8", newline="\n") as handle:
        for doc_id, line in enumerate(handle, start=1):
            data = json.loads(line)
            docs.append(
                (
                    doc_id,
                    data["id"],
                    data["title"],
                    data["text"],
                    len(data["text"]),
                    json.dumps(data["meta"]),
                    "2026-11-21T00:00:00Z",
                )
            )
            spans += [
                (
                    s["id"],
                    doc_id,
                    1,
                    1,
                    s["start"],
                    s["end"],
                    json.dumps(s["attributes"]),
                    s["note"],
                    s["created"],
                    s["updated"],
                )
                for s in data["spans"]
            ]
    conn = baseline_connection(path)
    conn.executescript(BASELINE_SCHEMA)

    def run() -> None:
        conn.execute("BEGIN")
        conn.executemany("INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?)", docs)
        conn.executemany("INSERT INTO spans VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", spans)
        conn.execute("COMMIT")

    seconds, _ = timed(run)
    conn.close()
    return seconds


def baseline_export(path: Path, out: Path) -> float:
    conn = baseline_connection(path)

    def run() -> None:
        spans = conn.execute("SELECT * FROM spans ORDER BY document_id, start")
        pending = spans.fetchone()
        with open(out, "w", encoding="utf-8") as handle:
            for doc in conn.execute("SELECT * FROM documents ORDER BY id"):
                rows = []
                while pending is not None and pending[1] == doc[0]:
                    rows.append(pending)
                    pending = spans.fetchone()
                handle.write(json.dumps([doc, rows], ensure_ascii=False))
                handle.write("\n")

    seconds, _ = timed(run)
    conn.close()
    return seconds


def child_peak(source: Path, store_path: Path, do_import: bool) -> float:
    """Peak RSS (MiB) of a child that opens a store and, if asked, imports ``source``."""
    code = (
        "import sys\n"
        f"sys.path.insert(0, {str(Path(__file__).resolve().parents[2])!r})\n"
        "from db.store import Store\nfrom db.transfer import import_paths\n"
        f"store = Store.open({str(store_path)!r})\n"
        + (f"assert not import_paths(store, [{str(source)!r}])[0].error\n" if do_import else "")
        # VmHWM belongs to this process image (ru_maxrss would carry the parent's over exec).
        + "print(next(int(line.split()[1]) for line in open('/proc/self/status') "
        "if line.startswith('VmHWM')) / 1024)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="500 documents, for the tests")
    parser.add_argument("--docs", type=int, default=10_000, metavar="N",
                        help="documents in the corpus (default 10,000; ~11 KB and 20 spans each)")
    args = parser.parse_args()
    documents = 500 if args.quick else args.docs
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = folder / "corpus.jsonl"
        native.write(generate(documents, 7_000, 20), source)
        largest = max(len(line) for line in source.open("rb"))
        corpus_mb = round(source.stat().st_size / 2**20, 1)

        store = Store.open(folder / "store.sqlite")
        import_s, results = timed(lambda: import_paths(store, [source]))
        assert results[0].error is None, results[0].error
        out = folder / "export.jsonl"
        export_s, _ = timed(lambda: export(store, out, "native"))
        assert out.read_bytes() == source.read_bytes(), "export differs from its input"
        spans = store.span_count()
        store.close()

        base_import_s = baseline_import(folder / "baseline.sqlite", source)
        base_export_s = baseline_export(folder / "baseline.sqlite", folder / "baseline.jsonl")

        idle = child_peak(source, folder / "idle.sqlite", do_import=False)
        busy = child_peak(source, folder / "peak.sqlite", do_import=True)
        # A few large documents: the import's peak should follow the largest, not the total.
        big = folder / "big.jsonl"
        big_chars = 2_000_000 if args.quick else 20_000_000
        native.write(generate(4, big_chars, 2_000), big)
        big_largest = max(len(line) for line in big.open("rb"))
        big_text = max((r.document.text for r in native.read(big)), key=len)
        big_text_mb = sys.getsizeof(big_text) / 2**20  # the text as Python holds it
        del big_text
        big_busy = child_peak(big, folder / "big.sqlite", do_import=True)
    report(
        {
            "documents": documents,
            "spans": spans,
            "corpus_mb": corpus_mb,
            "import_s": round(import_s, 3),
            "baseline_import_s": round(base_import_s, 3),
            "export_s": round(export_s, 3),
            "baseline_export_s": round(base_export_s, 3),
            "idle_peak_mb": round(idle, 1),
            "import_peak_mb": round(busy, 1),
            "import_extra_peak_mb": round(busy - idle, 1),
            "largest_document_mb": round(largest / 2**20, 3),
            "big_largest_document_mb": round(big_largest / 2**20, 1),
            "big_largest_text_in_memory_mb": round(big_text_mb, 1),
            "big_import_extra_peak_mb": round(big_busy - idle, 1),
            # beyond the constant measured on the small corpus, per in-memory largest text
            "big_peak_per_largest_text": round((big_busy - busy) / big_text_mb, 2),
            "import_ratio": round(import_s / base_import_s, 3),
            "export_ratio": round(export_s / base_export_s, 3),
        }
    )


if __name__ == "__main__":
    main()
