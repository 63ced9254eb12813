"""The stacking depth of every span's mark, the same in any paint, worked out near the spans
painted only.

Overlapping marks of one kind are stacked so that they never coincide: underlines (entities;
other labels on the first layer) a step lower per depth, claims and denials a step further
inside. Spans stack by kind (:func:`stacking`): the underlines of each annotator layer, and
the claims and denials of each layer. Inside a kind, in the order of ``(start, -end, id)``,
each span takes the first depth not taken by the spans before it covering its start: the
greedy stacking of a sweep over the whole text (a span starting where another ends shares its
depth). A later layer's underline starts below the deepest underline of the layers before it
that it overlaps (its base), so each layer's underlines stay below the earlier layers' where
they meet. Two overlapping marks of a kind never share a depth: of the two, the later one
(in that order) covers its start with the earlier one, and a later layer's sits below
every earlier layer's it meets.

A span's depth so depends only on the spans covering its start (and, on a later layer, on
the earlier layers' underlines it overlaps), whose depths depend likewise on the spans
covering theirs: it is found from there (:meth:`Stacking.of`) and kept till an edit changes
one of those (:meth:`Stacking.forget`), never from the spans of the blocks a paint happens to
cover. Before, a paint stacked the spans of its blocks alone: a small repaint (a denial
removed on the line below) or a scroll past a stack's first line drew a span stacked under
spans begun a line above at depth 0, its underline's part in the next line gone till a whole
paint; and each layer sat below the deepest underline of the layers before anywhere in the
region painted (now: below those it meets).

The work is bounded by what a press touches, never by what a long span covers (4b7fa3a,
reverted, stacked each span's whole overlap component: an entity made under a claim over
20,000 entities stacked them all, 6 -> 36 ms). A paint works out the depths it lacks in one
sweep over the stretch where those spans start, as it stacked its own spans before, seeded
with the depths of the spans running into the stretch, found from the spans covering their
starts (a point query of the index each, going back only as far as such spans reach; of a
document read a region at a time, the region where such a span starts is read if it was not,
once: the first paint inside test_big_document's long claim reads the region of its start).
An edit
forgets, at the next paint, the depths of the spans of its kind whose starts the changed span
covers (and a later layer's underlines it meets), of the spans depending on those, and so on:
a span made or deleted under a long one, the few spans it meets; the spans found near a span
made serve the paint's sweep too. A changed span longer than the index's ``reach`` (a label
of a whole passage made, or one covering a changed span's start), or more than
:data:`BUDGET` spans to forget, forgets every depth instead: the next paint finds those of
the spans it shows again (one sweep). Left: where a depth would be followed back through more
than :data:`BUDGET` spans (a chain of so many, each overlapping the next), the paint stacks
its spans among themselves alone and may draw them otherwise than a whole paint; a later
layer's underline looks at every earlier layer's underline it overlaps (long ones: all those
under them).
"""

from __future__ import annotations

from collections.abc import Iterable
from operator import attrgetter

from desktop.textview.index import SpanIndex
from desktop.textview.paint import AREA
from desktop.textview.styles import SpanStyle

BUDGET = 256
"""Most spans whose depths one paint works out from the spans covering their starts, or one
edit forgets one by one (see the module's docstring)."""
_START, _END, _ID = attrgetter("start"), attrgetter("end"), attrgetter("id")
LINE, NEST = 0, 1
Kind = tuple[int, int]
"""A kind of mark that stacks: ``(LINE, layer)`` underlines, ``(NEST, layer)`` claims and
denials."""


def stacking(span: SpanStyle) -> Kind | None:
    """The kind of marks ``span`` stacks with, or None for a mark that never stacks (another
    label on a later layer: outlined)."""
    if span.category in AREA:
        return NEST, span.layer
    if span.category == "entity" or not span.layer:
        return LINE, span.layer
    return None


def _key(span: SpanStyle) -> tuple[int, int, str]:
    return span.start, -span.end, span.id


def _first_free(base: int, taken: set[int]) -> int:
    depth = base
    while depth in taken:
        depth += 1
    return depth


def _in_order(spans: list[SpanStyle]) -> None:
    """Sort ``spans`` in place by ``(start, -end, id)`` (:func:`_key`), by three sorts
    without a Python call per span (a span made sorts the few spans round it, each paint)."""
    spans.sort(key=_ID)
    spans.sort(key=_END, reverse=True)
    spans.sort(key=_START)


class Stacking:
    """The stacking depths of the spans of ``index`` (see the module's docstring), by span
    id, kept in :attr:`depths` from one paint to the next. Every span held in
    :attr:`depths` has there the depth it has among all the spans of the index, and so has
    each span it depends on (the spans covering its start, of its kind; the earlier layers'
    underlines it overlaps), once the edits told to :meth:`forget` are settled (at the next
    :meth:`of`), which follows the spans depending on an edit only through spans held."""

    def __init__(self, index: SpanIndex[SpanStyle], budget: int = BUDGET) -> None:
        self._index = index
        self._budget = budget
        self.depths: dict[str, int] = {}
        self.generation = 0
        """Counts the edits told (a paint's depths kept are good till it moves)."""
        self._changed: list[SpanStyle] = []
        """Spans told to :meth:`forget` since the last :meth:`of`."""
        self._beyond: set[str] = set()
        """Spans whose depths were past the budget, since the last edit settled: a paint
        showing them gives up at once (each paint there would follow the chain back again)."""
        self.deepest = 0
        """The deepest underline's depth worked out (or stacked by a paint that gave up) since
        the index was given: how far a line's underlines may reach down, at most (an edit
        never lowers it)."""

    def of(self, spans: Iterable[SpanStyle]) -> dict[str, int] | None:
        """:attr:`depths`, holding every span of ``spans`` that stacks; None when that would
        take following back more than the budget's spans (a chain of spans each overlapping
        the next)."""
        depths = self.depths
        settled = self._settle() if self._changed else []
        kinds: dict[Kind | None, list[SpanStyle]] = {}
        missing: list[SpanStyle] = []
        long: list[SpanStyle] = []  # (each from the spans covering its start, far above)
        reach = self._index.reach
        for span in spans:
            if span.id not in depths:
                if span.id in self._beyond:
                    return None
                kind = stacking(span)
                if kind is None:
                    continue
                if span.end - span.start > reach:
                    long.append(span)
                else:
                    kinds[kind] = []
                    missing.append(span)
        if not missing and not long:
            return depths
        budget = [self._budget + len(missing) + len(long)]
        failed = any(self._depth(span, budget) is None for span in long) if long else False
        if not failed and missing:
            failed = self._sweep(kinds, missing, settled, budget) is None
        if failed:
            self._beyond.update(span.id for span in (*missing, *long))
            return None
        return depths

    def _sweep(self, kinds: dict[Kind | None, list[SpanStyle]], missing: list[SpanStyle],
               settled: list[tuple[int, int, list[SpanStyle]]],
               budget: list[int]) -> dict[str, int] | None:
        """Work out the depths of the spans ``missing`` (none longer than the index's
        ``reach``, so the stretch swept starts at most that far before the spans painted),
        of ``kinds`` (their kinds, to fill with the spans of each near them), and of the
        spans of those kinds starting among them, with the spans near the edits just
        ``settled``; None past the ``budget``."""
        depths = self.depths
        starts = [span.start for span in missing]
        low, high = min(starts), max(starts) + 1
        index, near = self._index, None
        for start, end, meeting in settled:  # (a span made: the spans meeting it, found then)
            if start <= low and high <= end and index.holds(low, high):
                near = meeting
                break
        if near is None:
            near = index.overlapping(low, high)
        for span in near:
            if span.start < high and span.end > low:
                found = kinds.get(stacking(span))
                if found is not None:
                    found.append(span)
        for kind, items in sorted(kinds.items()):  # (each layer's underlines before the next's)
            if len(items) > 1:
                _in_order(items)
            if kind[0] == LINE and kind[1] > 0:  # based on the earlier layers': each alone
                if any(self._depth(span, budget) is None for span in items):
                    return None
                continue
            running: list[tuple[int, int]] = []  # (end, depth) of the spans begun
            for span in items:
                start = span.start
                if running:
                    running = [item for item in running if item[0] > start]
                depth = depths.get(span.id)
                if depth is None:
                    if start < low:  # running into the stretch: from the spans covering its start
                        depth = self._depth(span, budget)
                        if depth is None:
                            return None
                    else:
                        depth = _first_free(0, {item[1] for item in running}) if running else 0
                        depths[span.id] = depth
                        if depth > self.deepest and kind[0] == LINE:
                            self.deepest = depth
                running.append((span.end, depth))
        return depths

    def _depth(self, span: SpanStyle, budget: list[int]) -> int | None:
        """The depth of ``span``, from the depths of the spans it depends on, worked out first
        (depth first, without recursion); None past the ``budget`` of spans."""
        depths = self.depths
        found = depths.get(span.id)
        if found is not None:
            return found
        needs: dict[str, tuple[list[SpanStyle], list[SpanStyle]]] = {}
        todo = [span]
        while todo:
            current = todo[-1]
            if current.id in depths:
                todo.pop()
                continue
            need = needs.get(current.id)
            if need is None:
                budget[0] -= 1
                if budget[0] < 0:
                    return None
                need = needs[current.id] = self._needs(current)
            cover, under = need
            waiting = [other for other in (*cover, *under) if other.id not in depths]
            if waiting:
                todo += waiting
                continue
            base = max((depths[other.id] + 1 for other in under), default=0)
            depth = depths[current.id] = _first_free(base, {depths[other.id] for other in cover})
            if depth > self.deepest and current.category not in AREA:
                self.deepest = depth
            todo.pop()
        return depths[span.id]

    def _needs(self, span: SpanStyle) -> tuple[list[SpanStyle], list[SpanStyle]]:
        """The spans ``span``'s depth depends on: those of its kind before it covering its
        start, and (a later layer's underline) the earlier layers' underlines it overlaps."""
        kind, key = stacking(span), _key(span)
        index = self._index
        cover = [other for other in index.overlapping(span.start, span.start + 1)
                 if _key(other) < key and stacking(other) == kind]
        under: list[SpanStyle] = []
        if kind is not None and kind[0] == LINE and kind[1] > 0:
            for other in index.overlapping(span.start, max(span.end, span.start + 1)):
                other_kind = stacking(other)
                if other_kind is not None and other_kind[0] == LINE and other_kind[1] < kind[1]:
                    under.append(other)
        return cover, under

    def forget(self, span: SpanStyle) -> None:
        """Forget the depths that ``span`` (as added, or as it was before it changed or went)
        may change, at the next :meth:`of` (:meth:`_settle`); past the budget's spans told
        (many spans changed at once), every depth, now."""
        self.generation += 1
        if not self.depths and not self._beyond:  # (given up on: heard, to try again)
            return
        if len(self._changed) < self._budget:
            self._changed.append(span)
        else:
            self.depths.clear()
            self._changed.clear()
            self._beyond.clear()

    def _settle(self) -> list[tuple[int, int, list[SpanStyle]]]:
        """Forget the depths of the spans told to :meth:`forget`, of the spans depending on
        them, and so on; every depth for a span longer than the index's ``reach`` or past the
        budget's spans. Returns each stretch asked of the index and the spans meeting it (the
        spans near a span made, which :meth:`of` then needs again). The index is asked only
        for the spans it holds: no region is read for this."""
        depths, index, left = self.depths, self._index, self._budget
        todo, self._changed = self._changed, []
        self._beyond.clear()
        asked: list[tuple[int, int, list[SpanStyle]]] = []
        for span in todo:
            depths.pop(span.id, None)
        while todo:
            changed = todo.pop()
            if changed.end - changed.start > index.reach:
                depths.clear()
                return []
            kind = stacking(changed)
            if kind is None:
                continue
            end = max(changed.end, changed.start + 1)
            found = index.held(changed.start, end)
            asked.append((changed.start, end, found))
            for other in found:
                if other.id in depths and _depends(other, changed, kind):
                    del depths[other.id]
                    left -= 1
                    if left < 0:
                        depths.clear()
                        return []
                    todo.append(other)
        return asked


def _depends(span: SpanStyle, changed: SpanStyle, kind: Kind) -> bool:
    """Whether ``span``'s depth may depend on ``changed`` (of ``kind``), which meets it: one
    of its kind before it covering its start, or an earlier layer's underline under a later
    layer's."""
    own = stacking(span)
    if own == kind:
        return _key(changed) < _key(span) and span.start < changed.end
    return own is not None and own[0] == LINE == kind[0] and own[1] > kind[1]


def stack_depths(spans: Iterable[SpanStyle]) -> dict[str, int]:
    """The stacking depths of ``spans`` among themselves alone (as though the text held no
    others), by span id; marks that never stack are left out."""
    spans = list(spans)
    depths = Stacking(SpanIndex(spans), budget=len(spans)).of(spans)
    assert depths is not None  # (the budget covers them all)
    return depths
