"""Pattern files in spaCy's JSONL pattern format, applied with spaCy's SpanRuler on a blank
pipeline (no model, no network).

One pattern a line: ``{"label": "ORG", "pattern": "armed forces"}`` (a phrase, matched on
lower-cased tokens) or ``{"label": "LOCATION", "pattern": [{"LOWER": "kidal"}]}`` (token
patterns, the Matcher's syntax), with an optional ``"id"``. Overlapping matches are all kept
(the ruler writes a span group). Every line is checked before anything is applied; a bad one is
refused naming the file and the line.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Collection, Iterable, Iterator
from pathlib import Path
from typing import Any

from annotate.errors import InputError
from annotate.formats.spacy_docbin import spacy_module
from annotate.inputs import read_input
from annotate.suggestions import Suggestion

SPANS_KEY = "counterclaim_suggestions"
SCORE = 1.0
"""A pattern match is as sure as the pattern."""


def language(codes: Iterable[str | None]) -> str:
    """The spaCy language of a corpus whose documents name ``codes`` (their metadata's
    "language"): the most common one spaCy knows (its first two letters, "en-GB" → "en"),
    else "xx" (spaCy's multi-language tokenizer)."""
    spacy = spacy_module()
    counts = Counter((code or "").split("-")[0].lower() for code in codes)
    for code, _ in counts.most_common():
        if not code:
            continue
        try:
            spacy.util.get_lang_class(code)
        except ImportError:
            continue
        return code
    return "xx"


def read_patterns(path: Path, labels: Collection[str]) -> list[dict[str, Any]]:
    """The patterns of the JSONL file ``path`` (a regular file within the cap of
    :func:`annotate.inputs.read_input`); InputError naming it when it cannot be read, or the
    line of the first that is not an object with a ``label`` of ``labels`` and a ``pattern``
    (a non-empty phrase, or a list of valid token patterns)."""
    spacy = spacy_module()
    checker = spacy.matcher.Matcher(spacy.blank("xx").vocab, validate=True)
    patterns = []
    try:
        lines = read_input(path).decode("utf-8").splitlines()
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", str(path)) from None
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        where = f"line {number}"
        try:
            item = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"not JSON ({exc.msg})", str(path), where) from None
        if not isinstance(item, dict):
            raise InputError("a pattern is a JSON object", str(path), where)
        label, pattern = item.get("label"), item.get("pattern")
        if not isinstance(label, str) or label not in labels:
            raise InputError(f"label {label!r} is not in the schema", str(path), where)
        if "id" in item and not isinstance(item["id"], str):
            raise InputError("a pattern's id is a string", str(path), where)
        if isinstance(pattern, str):
            if not pattern.strip():
                raise InputError("an empty phrase pattern", str(path), where)
        elif isinstance(pattern, list) and pattern and all(isinstance(t, dict) for t in pattern):
            try:
                checker.add(str(number), [pattern])
            except ValueError as exc:  # spaCy's MatchPatternError names the bad key
                detail = " ".join(str(exc).split())
                raise InputError(f"bad token pattern: {detail}", str(path), where) from None
        else:
            raise InputError("pattern must be a phrase (a string) or a list of token "
                             "patterns (objects)", str(path), where)
        patterns.append({k: item[k] for k in ("label", "pattern", "id") if k in item})
    if not patterns:
        raise InputError("no patterns", str(path))
    return patterns


class PatternSuggester:
    """A blank pipeline of ``lang`` with a SpanRuler holding ``patterns``."""

    def __init__(self, patterns: list[dict[str, Any]], lang: str, source: str) -> None:
        spacy = spacy_module()
        self.source = source
        self.nlp = spacy.blank(lang)
        ruler = self.nlp.add_pipe("span_ruler", config={
            "spans_key": SPANS_KEY, "phrase_matcher_attr": "LOWER", "validate": True,
            "overwrite": True})
        ruler.add_patterns(patterns)

    def suggest(self, documents: Iterable[tuple[str, str]]) -> Iterator[Suggestion]:
        """The matches in ``documents`` (uid, text) as suggestions, document by document."""
        pairs = ((text, uid) for uid, text in documents)
        for doc, uid in self.nlp.pipe(pairs, as_tuples=True):
            seen = set()
            for span in doc.spans[SPANS_KEY]:
                key = (span.start_char, span.end_char, span.label_)
                if key not in seen:
                    seen.add(key)
                    yield Suggestion(uid, *key, self.source, SCORE)
