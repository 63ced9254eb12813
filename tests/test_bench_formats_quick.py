"""The formats benchmark runs in quick mode and ends with its JSON summary."""

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).parent / "benchmarks" / "bench_formats.py"
FORMATS = {"doccano", "brat", "conll", "spacy", "labelstudio", "csv"}


def test_bench_formats_quick() -> None:
    done = subprocess.run([sys.executable, str(BENCH), "--quick"], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert FORMATS | {"native_s", "brat_vs_files", "spacy_vs_docbin", "files_x_native",
                      "docbin_x_native"} <= set(summary)
    assert summary["native_s"] > 0
    assert all(summary[name] > 0 for name in FORMATS)
    assert "500 documents, 10000 spans" in done.stdout
