"""The text an HTML document shows, and where Label Studio's HyperText offsets fall in it.

Label Studio places a ``hypertextlabels`` region by ``globalOffsets``: positions counted over
every text node of the HTML in document order (its code points, entities decoded), each
``<br>`` counting one, and by XPaths (``/div[1]/p[2]/text()[1]`` with an offset in that node,
or an element with the index of a child). Older exports have only the XPaths.

The document text kept is what a reader sees: the text nodes, a line break for each ``<br>``
and between block elements (``<p>``, ``<div>``, ``<li>``...), a tab between table cells;
white space that only sits between tags, scripts and styles are left out. :class:`ShownText`
maps Label Studio's positions into that text.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser

_BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "fieldset",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
    "li", "main", "nav", "ol", "p", "pre", "section", "table", "tbody", "thead", "tfoot", "tr",
    "ul",
})
_CELLS = frozenset({"td", "th"})
_VOID = frozenset({
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
    "source", "track", "wbr",
})
_HIDDEN = frozenset({"script", "style", "template"})
_STEP = re.compile(r"([a-z0-9-]+(?:\(\))?)(?:\[([1-9][0-9]{0,8})\])?")


@dataclass(eq=False)
class _Node:
    """An element or text node: where Label Studio's count is at its start and end, and, for
    an element, before each child and its children by XPath step name (``p``, ``text()``)."""

    tag: str
    start: int
    end: int = -1
    children: list[int] = field(default_factory=list)
    named: dict[str, list[_Node]] = field(default_factory=dict)
    text: _Node | None = None  # the last child, when it is a text node (more data extends it)

    def add(self, name: str, node: _Node) -> None:
        self.children.append(node.start)
        self.named.setdefault(name, []).append(node)
        self.text = node if name == "text()" else None


@dataclass
class _Run:
    given: int  # Label Studio's position of the run's first character
    kept: int  # its position in the text kept
    length: int


class ShownText(HTMLParser):
    """Parses an HTML string: ``text`` is the text shown; :meth:`start` and :meth:`end` map
    Label Studio's global offsets, :meth:`at` an XPath and offset, into it."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self._parts: list[str] = []
        self._length = 0  # of the text kept so far
        self._given = 0  # Label Studio's count so far
        self._runs: list[_Run] = []
        self._root = _Node("", 0)
        self._stack = [self._root]
        self._open: Counter[str] = Counter()  # tags open on the stack
        self.feed(html)
        self.close()
        while len(self._stack) > 1:
            self._close_top()
        self._root.end = self._given
        shown = self._runs[-1].kept + self._runs[-1].length if self._runs else 0
        self.text = "".join(self._parts)[:shown]  # without a break of ours at the end
        self._starts = [run.given for run in self._runs]

    # -- parsing ---------------------------------------------------------------------------
    def _keep(self, text: str, given: bool) -> None:
        """Add ``text`` to the text kept; ``given``: Label Studio counts it too."""
        if given:
            self._runs.append(_Run(self._given, self._length, len(text)))
        self._parts.append(text)
        self._length += len(text)

    def _break(self, char: str) -> None:
        """A separator of our own (Label Studio does not count it), not at the start and not
        after a line break."""
        if self._parts and not self._parts[-1].endswith("\n") and (
            char == "\n" or not self._parts[-1][-1:].isspace()
        ):
            self._keep(char, given=False)

    @property
    def _hidden(self) -> bool:
        return any(self._open[tag] for tag in _HIDDEN)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = _Node(tag, self._given)
        self._stack[-1].add(tag, node)
        if tag in _BLOCKS:
            self._break("\n")
        elif tag in _CELLS:
            self._break("\t")
        if tag == "br":
            if not self._hidden:
                self._keep("\n", given=True)
            self._given += 1
        if tag in _VOID:
            node.end = self._given
            return
        self._stack.append(node)
        self._open[tag] += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._open[tag]:  # else a stray end tag, as a browser ignores it
            while self._close_top() != tag:
                pass

    def _close_top(self) -> str:
        node = self._stack.pop()
        node.end = self._given
        self._open[node.tag] -= 1
        self._stack[-1].text = None
        if node.tag in _BLOCKS:
            self._break("\n")
        return node.tag

    def handle_data(self, data: str) -> None:
        parent = self._stack[-1]
        node = parent.text
        if node is None:  # else the same text node, given in two calls
            node = _Node("text()", self._given)
            parent.add("text()", node)
        if not self._hidden and data.strip():
            self._keep(data, given=True)
        self._given += len(data)
        node.end = self._given

    def handle_comment(self, data: str) -> None:
        self._stack[-1].add("comment()", _Node("comment()", self._given, self._given))

    # -- mapping ---------------------------------------------------------------------------
    def start(self, given: int) -> int:
        """Where a region starting at Label Studio's ``given`` starts in :attr:`text` (at the
        next character shown, when ``given`` falls in something not shown)."""
        i = bisect_right(self._starts, given) - 1
        if i >= 0 and given < self._runs[i].given + self._runs[i].length:
            run = self._runs[i]
            return run.kept + given - run.given
        return self._runs[i + 1].kept if i + 1 < len(self._runs) else len(self.text)

    def end(self, given: int) -> int:
        """Where a region ending at ``given`` ends in :attr:`text` (after the last character
        shown before it)."""
        i = bisect_right(self._starts, given - 1) - 1 if given > 0 else -1
        if i < 0:
            return 0
        run = self._runs[i]
        return run.kept + min(given - run.given, run.length)

    def at(self, path: str, offset: int) -> int | None:
        """Label Studio's global position of ``offset`` in the node at XPath ``path`` (a text
        node: characters into it; an element: before its child ``offset``), or None if the
        HTML has no such node."""
        node = self._root
        for step in path.strip().strip("/").split("/"):
            found = _STEP.fullmatch(step.lower())
            if found is None:
                return None
            nodes = node.named.get(found[1], [])
            index = int(found[2] or 1) - 1
            if index >= len(nodes):
                return None
            node = nodes[index]
        if node.tag == "text()":
            return min(node.start + offset, node.end)
        return node.children[offset] if offset < len(node.children) else node.end
