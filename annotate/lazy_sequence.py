"""A read-only sequence whose elements are made only when asked for."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Sequence
from typing import TypeVar, overload

T = TypeVar("T")


class LazySequence(Sequence[T]):
    """Indexing, negative indices and slices of a sequence whose subclass makes element
    ``index`` (``0 <= index < len(self)``) in :meth:`_item`; an index out of range raises
    IndexError (as iteration and ``in`` by the mixins expect)."""

    __slots__ = ()

    @abstractmethod
    def _item(self, index: int) -> T:
        """Element ``index``, already within range."""

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> list[T]: ...
    def __getitem__(self, index: int | slice) -> T | list[T]:
        if isinstance(index, slice):
            return [self._item(i) for i in range(*index.indices(len(self)))]
        length = len(self)
        if index < 0:
            index += length
        if not 0 <= index < length:
            raise IndexError(index)
        return self._item(index)
