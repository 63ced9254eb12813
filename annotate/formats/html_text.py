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

from bisect import bisect_right
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


@dataclass
class _Element:
    path: str
    tag: str
    children: list[int] = field(default_factory=list)  # position before each child node
    counts: dict[str, int] = field(default_factory=dict)  # tag (or "text()") -> how many
    last_text: bool = False  # the last child is a text node (more data extends it)

    def step(self, name: str) -> str:
        self.counts[name] = self.counts.get(name, 0) + 1
        return f"{self.path}/{name}[{self.counts[name]}]"


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
        self._stack = [_Element("", "")]
        self._hidden = 0
        self._nodes: dict[str, tuple[int, int]] = {}  # text node path -> its given span
        self._elements: dict[str, _Element] = {}
        self._ends: dict[str, int] = {}
        self.feed(html)
        self.close()
        while len(self._stack) > 1:
            self._close_top()
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

    def _child(self, name: str) -> str:
        parent = self._stack[-1]
        parent.children.append(self._given)
        parent.last_text = False
        return parent.step(name)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        path = self._child(tag)
        if tag in _BLOCKS:
            self._break("\n")
        elif tag in _CELLS:
            self._break("\t")
        if tag == "br":
            if not self._hidden:
                self._keep("\n", given=True)
            self._given += 1
        if tag in _VOID:
            self._nodes[path] = (self._given, self._given)
            return
        element = _Element(path, tag)
        self._elements[path] = element
        self._stack.append(element)
        if tag in _HIDDEN:
            self._hidden += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if any(e.tag == tag for e in self._stack[1:]):
            while self._close_top() != tag:
                pass

    def _close_top(self) -> str:
        element = self._stack.pop()
        self._ends[element.path] = self._given
        self._stack[-1].last_text = False
        if element.tag in _HIDDEN:
            self._hidden -= 1
        if element.tag in _BLOCKS:
            self._break("\n")
        return element.tag

    def handle_data(self, data: str) -> None:
        parent = self._stack[-1]
        if parent.last_text:  # the same text node, given in two calls
            path = f"{parent.path}/text()[{parent.counts['text()']}]"
            start = self._nodes[path][0]
        else:
            path = self._child("text()")
            parent.last_text = True
            start = self._given
        if not self._hidden and data.strip():
            self._keep(data, given=True)
        self._given += len(data)
        self._nodes[path] = (start, self._given)

    def handle_comment(self, data: str) -> None:
        self._child("comment()")

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
        path = "/" + path.strip().strip("/")
        if path in self._nodes:
            start, end = self._nodes[path]
            return min(start + offset, end)
        element = self._elements.get(path)
        if element is None:
            return None
        if offset < len(element.children):
            return element.children[offset]
        return self._ends.get(path, self._given)
