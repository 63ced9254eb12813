"""HTML files: the visible text, via lxml's (libxml2's) HTML parser, which takes time linear in
its input whatever the markup (the standard library's parser is quadratic on runs of unclosed
``<a``, ``<!``, ``</`` or ``<?``). Nothing is ever fetched: no tree is built, the parser only
reports tags and text to :class:`_VisibleText`, with network access off and comments and
processing instructions dropped.

Script, style, template, noscript and embedded-object content is dropped, as is everything in
``<head>`` but the ``<title>``, which becomes the document title. Block elements and ``<br>`` end
lines; other whitespace runs collapse to one space, except inside ``<pre>``. Links are just
their text (``href`` values, ``javascript:`` or not, are never part of it).
"""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from annotate.inputs import read_input
from annotate.model import Document
from annotate.sources.base import file_title, require_text, source_meta
from annotate.sources.text import decode_bytes

_DROPPED = frozenset(
    [
        "script",
        "style",
        "template",
        "noscript",
        "iframe",
        "object",
        "embed",
        "svg",
        "math",
        "canvas",
        "audio",
        "video",
    ]
)
_HEAD_CONTENT = frozenset(
    ["title", "meta", "link", "base", "style", "script", "noscript", "template"]
)
_BLOCKS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "caption",
        "dd",
        "details",
        "dialog",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "html",
        "legend",
        "li",
        "main",
        "nav",
        "ol",
        "option",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "tfoot",
        "thead",
        "tr",
        "ul",
    ]
)
_CELLS = frozenset({"td", "th"})
_SPACE = re.compile(r"[ \t\n\r\f]+")  # HTML whitespace; a no-break space is kept
_HTML_SPACE = " \t\n\r\f"
_CHARSET = re.compile(rb"""<meta[^>]{0,512}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.I)


class _VisibleText:
    """The parser's target: collects the visible text as lines, and the first ``<title>``."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.title_parts: list[str] | None = None
        self.title = ""
        self._segments: list[tuple[bool, str]] = []  # (preformatted, text) of the current line
        self._dropping: str | None = None
        self._drop_depth = 0
        self._in_head = False
        self._pre_depth = 0

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        if self._dropping:
            self._drop_depth += tag == self._dropping
            return
        if self.title_parts is not None:
            self._finish_title()  # an unclosed <title> ends at the next tag
        if tag == "head":
            self._in_head = True
        elif self._in_head and tag not in _HEAD_CONTENT:
            self._in_head = False
        if tag in _DROPPED:
            self._dropping, self._drop_depth = tag, 1
        elif tag == "title" and self.title_parts is None and not self.title:
            self.title_parts = []
        elif tag == "br":
            self._end_line(keep_empty=True)
        elif tag in _CELLS:
            self._segments.append((False, " "))
        elif tag in _BLOCKS:
            self._end_line()
            self._pre_depth += tag == "pre"

    def end(self, tag: str) -> None:
        if self._dropping:
            if tag == self._dropping:
                self._drop_depth -= 1
                if not self._drop_depth:
                    self._dropping = None
            return
        if tag == "head":
            self._in_head = False
        elif tag == "title" and self.title_parts is not None:
            self._finish_title()
        elif tag in _BLOCKS:
            self._end_line()
            if tag == "pre" and self._pre_depth:
                self._pre_depth -= 1

    def data(self, data: str) -> None:
        if self._dropping:
            return
        if self.title_parts is not None:
            self.title_parts.append(data)
        elif not self._in_head:
            self._segments.append((self._pre_depth > 0, data))

    def close(self) -> None:
        if self.title_parts is not None:
            self._finish_title()
        self._end_line()

    def _finish_title(self) -> None:
        self.title = _SPACE.sub(" ", "".join(self.title_parts or ())).strip(_HTML_SPACE)
        self.title_parts = None

    def _end_line(self, keep_empty: bool = False) -> None:
        line = self._line()
        if line or keep_empty:
            self.lines.append(line)
        self._segments.clear()

    def _line(self) -> str:
        parts: list[str] = []
        flowing: list[str] = []
        for pre, text in self._segments:
            if pre:
                parts.append(_SPACE.sub(" ", "".join(flowing)))
                flowing.clear()
                parts.append(text)
            else:
                flowing.append(text)
        parts.append(_SPACE.sub(" ", "".join(flowing)))
        line = "".join(parts)
        if any(pre for pre, _ in self._segments):
            # A newline right after <pre> is not content; line breaks inside stay "\n".
            return line.replace("\r\n", "\n").replace("\r", "\n").removeprefix("\n").rstrip()
        return line.strip(_HTML_SPACE)


def extract(markup: str) -> tuple[str, str]:
    """``(visible text, title)`` of an HTML string; the title is "" when there is none."""
    found = _VisibleText()
    parser = etree.HTMLParser(target=found, encoding="utf-8", no_network=True, recover=True,
                              remove_comments=True, remove_pis=True, huge_tree=True)
    parser.feed(markup.encode("utf-8"))
    parser.close()
    return "\n".join(found.lines).strip("\n"), found.title


def declared_charset(data: bytes) -> str | None:
    """The ``<meta charset>`` (or http-equiv content type charset) near the top of the bytes."""
    found = _CHARSET.search(data[:4096])
    return found.group(1).decode("ascii") if found else None


def read_html(path: Path) -> list[Document]:
    """One document with the page's visible text, titled by its ``<title>`` or the file name."""
    data = read_input(path)
    markup, encoding = decode_bytes(data, str(path), declared_charset(data))
    text, title = extract(markup)
    require_text(text, path)
    meta = source_meta(path, "html", encoding=encoding)
    return [Document(text=text, title=title or file_title(path), meta=meta)]
