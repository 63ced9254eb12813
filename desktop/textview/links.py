"""Where the links between spans are drawn: the connectors of the link lane beside the text.

A link (:class:`LinkStyle`) joins the starts of two spans. Each is drawn in the lane to the right
of the text as a bracket: a stub out of its source's line, a vertical run in its own column
(*track*), a stub back into its target's line ending in an arrow head. Tracks are given once per
set of links, over the code points each link spans, shortest links nearest the text, so they
stay put while the view scrolls. An end whose line is not on screen makes the run stop at the
lane's top or bottom edge, where a marker points the way to scroll. There are at most
:data:`TRACKS` tracks; a link that finds none free shares one.

This module holds the bookkeeping and geometry only (no painting): :class:`LinkSet`,
:func:`assign_tracks` and :func:`connectors`.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import NamedTuple

from desktop.textview.styles import LinkStyle

TRACKS = 6
"""Most tracks: beyond them the lane would crowd out its labels."""


class LinkSet:
    """The links shown, by id and by span, with their tracks; which have an end in a stretch
    of text."""

    def __init__(self) -> None:
        self._links: dict[str, LinkStyle] = {}
        self._by_span: dict[str, list[LinkStyle]] = {}
        self._ends: list[tuple[int, str]] = []  # (start of an end's span, link id), sorted
        self._starts: list[int] = []  # the first items of _ends, for bisection
        self.tracks: dict[str, int] = {}
        self.track_count = 0

    def __len__(self) -> int:
        return len(self._links)

    def __iter__(self) -> Iterator[LinkStyle]:
        return iter(self._links.values())

    def get(self, link_id: str) -> LinkStyle | None:
        return self._links.get(link_id)

    def of(self, span_id: str) -> list[LinkStyle]:
        """The links from or to span ``span_id``."""
        return self._by_span.get(span_id, [])

    def partners(self, link_ids: Iterable[str]) -> set[str]:
        """The spans at either end of the links ``link_ids``."""
        found: set[str] = set()
        for link_id in link_ids:
            link = self._links.get(link_id)
            if link is not None:
                found.update((link.source, link.target))
        return found

    def replace(self, links: Iterable[LinkStyle], start_of: Callable[[str], int | None]) -> None:
        """Hold ``links``: those of which ``start_of`` (span id -> its start code point, None
        for a span not shown) knows both ends."""
        self._links = {link.id: link for link in links}
        self.place(start_of)

    def place(self, start_of: Callable[[str], int | None]) -> None:
        """Measure the links again after their spans moved (a link whose span went goes too).

        A link's track is chosen over the code points between its ends: spans that start on
        one visual line get their stubs in text order (:func:`spread`), so links whose code
        points do not meet never overlap on a shared track."""
        kept: dict[str, LinkStyle] = {}
        self._by_span = {}
        ends: list[tuple[int, str]] = []
        extents = []
        for link in self._links.values():
            a, b = start_of(link.source), start_of(link.target)
            if a is None or b is None:
                continue
            kept[link.id] = link
            self._by_span.setdefault(link.source, []).append(link)
            if link.target != link.source:
                self._by_span.setdefault(link.target, []).append(link)
            ends += ((a, link.id), (b, link.id))
            extents.append((link.id, min(a, b), max(a, b)))
        self._links = kept
        ends.sort()
        self._ends, self._starts = ends, [start for start, _ in ends]
        self.tracks = assign_tracks(extents, TRACKS)
        self.track_count = max(self.tracks.values(), default=-1) + 1

    def ending_in(self, start: int, end: int) -> list[LinkStyle]:
        """The links with an end (the start of a span) in the code points ``[start, end)``."""
        found = dict.fromkeys(link_id for _, link_id in
                              self._ends[bisect_left(self._starts, start):
                                         bisect_left(self._starts, end)])
        return [self._links[link_id] for link_id in found]


class End(NamedTuple):
    """One end of a connector in lane coordinates: the span, the height of its stub, and where
    the span is: 0 on screen, -1 above it (scroll up), 1 below (scroll down)."""

    span: str
    y: float
    off: int


class Connector(NamedTuple):
    """A link as drawn now: its track, both ends, and the height of its label's centre
    (None when the label had no room; the tooltip still names the type)."""

    link: LinkStyle
    track: int
    source: End
    target: End
    label_y: float | None

    def end_for_click(self, y: float, marker: float) -> End:
        """Where a click at height ``y`` on the connector leads: the end off screen whose
        marker (``marker`` high) it hit, else the end further from ``y``."""
        for end in (self.source, self.target):
            if end.off and abs(end.y - y) <= marker:
                return end
        return self.source if abs(self.source.y - y) > abs(self.target.y - y) else self.target

    @property
    def top(self) -> float:
        return min(self.source.y, self.target.y)

    @property
    def bottom(self) -> float:
        return max(self.source.y, self.target.y)


def assign_tracks(extents: Iterable[tuple[str, int, int]], limit: int) -> dict[str, int]:
    """Track number (below ``limit``) per key of ``extents`` ``(key, first, last)`` (closed
    ranges): shorter extents take lower tracks (nearer the text), and no two keys on one track
    share a position unless every track was taken there (then the last track is shared)."""
    tracks: list[list[tuple[int, int]]] = []  # per track its extents, disjoint, by start
    found: dict[str, int] = {}
    for key, first, last in sorted(extents, key=lambda e: (e[2] - e[1], e[1], e[0])):
        for number, taken in enumerate(tracks):
            k = bisect_left(taken, (first, first))
            if (k == 0 or taken[k - 1][1] < first) and (k == len(taken) or taken[k][0] > last):
                taken.insert(k, (first, last))
                found[key] = number
                break
        else:
            if len(tracks) < limit:
                tracks.append([(first, last)])
            found[key] = len(tracks) - 1
    return found


def connectors(
    links: Iterable[LinkStyle],
    tracks: dict[str, int],
    anchors: dict[str, End],
    height: float,
    label_height: float,
    lit: frozenset[str] = frozenset(),
) -> list[Connector]:
    """The connectors of ``links`` with an end on screen; ``anchors`` places each span end
    (those off screen at the edge they lie beyond, see :class:`End`). Labels sit at their
    connector's middle, moved apart so none overlap inside ``height``; when there are more
    than fit, links in ``lit`` keep theirs first, then the shortest."""
    found = []
    for link in links:
        source, target = anchors.get(link.source), anchors.get(link.target)
        if source is None or target is None or (source.off and target.off):
            continue
        found.append((link, tracks.get(link.id, 0), source, target))
    room = max(int(height // label_height), 0)
    ranked = sorted(found, key=lambda c: (c[0].id not in lit, abs(c[2].y - c[3].y), c[0].id))
    labelled = {c[0].id: (c[2].y + c[3].y) / 2 for c in ranked[:room]}
    placed = place_labels(labelled, height, label_height)
    return [Connector(link, track, source, target, placed.get(link.id))
            for link, track, source, target in found]


def place_labels(wanted: dict[str, float], height: float, size: float) -> dict[str, float]:
    """Centres for labels of ``size`` wanting to sit at the heights ``wanted``, kept inside
    ``[0, height]`` and ``size`` apart, each as near its wish as the others allow (there must be
    room for all)."""
    order = sorted(wanted, key=lambda key: (wanted[key], key))
    ys: list[float] = []
    for key in order:  # downwards: each below the one before
        y = max(wanted[key], size / 2)
        ys.append(y if not ys else max(y, ys[-1] + size))
    for n in range(len(ys) - 1, -1, -1):  # upwards: back inside the bottom edge
        limit = height - size / 2 if n == len(ys) - 1 else ys[n + 1] - size
        ys[n] = min(ys[n], limit)
    return dict(zip(order, ys, strict=True))


def spread(lines: Sequence[tuple[str, float, float]]) -> dict[str, float]:
    """Heights for the stubs of spans that start on one visual line ``(span, top, height)``,
    given in reading order: spaced evenly over the line so each has its own."""
    count = len(lines)
    return {span: top + height * (n + 1) / (count + 1)
            for n, (span, top, height) in enumerate(lines)}
