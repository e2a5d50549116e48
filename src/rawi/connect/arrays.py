"""Per-text arrays (shingle sets) kept compactly: one growing buffer, spilled to a temporary file once it
passes a memory budget, so that a corpus ten times larger does not need ten times the memory."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np


class ArrayStore:
    """Append uint32 arrays, get them back by position. Below `memory_budget` bytes they stay in memory;
    past it everything moves to a temporary file, read back one array at a time (the page cache keeps
    what is read often, outside this process's resident memory)."""

    def __init__(self, memory_budget: int = 64 << 20, folder: str | Path | None = None) -> None:
        self.memory_budget = memory_budget
        self.folder = folder
        self.size = 0  # values stored
        self._bounds: list[np.ndarray] = [np.zeros(1, np.int64)]
        self._chunks: list[np.ndarray] = []
        self._file = None
        self._flushed = False
        self._view: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.bounds) - 1

    @property
    def spilled(self) -> bool:
        return self._file is not None

    @property
    def bounds(self) -> np.ndarray:
        if len(self._bounds) > 1:
            self._bounds = [np.concatenate(self._bounds)]
        return self._bounds[0]

    def extend(self, values: np.ndarray, bounds: np.ndarray) -> None:
        """Add the arrays values[bounds[k]:bounds[k+1]] for each k."""
        part = np.ascontiguousarray(values[bounds[0] : bounds[-1]], dtype=np.uint32)
        self._bounds.append(self.size + (np.asarray(bounds[1:], np.int64) - bounds[0]))
        self.size += len(part)
        self._view = None
        if self._file is not None:
            self._file.write(part.tobytes())
            self._flushed = False
            return
        self._chunks.append(part)
        if self.size * 4 > self.memory_budget:
            self._spill()

    def _spill(self) -> None:
        # Open for the store's lifetime (closed in close() or when collected), not for one block.
        self._file = tempfile.TemporaryFile(dir=self.folder)  # noqa: SIM115
        for chunk in self._chunks:
            self._file.write(chunk.tobytes())
        self._chunks = []

    def _values(self) -> np.ndarray:
        if self._view is None:
            self._chunks = [np.concatenate(self._chunks)] if len(self._chunks) > 1 else self._chunks
            self._view = self._chunks[0] if self._chunks else np.zeros(0, np.uint32)
        return self._view

    def __getitem__(self, k: int) -> np.ndarray:
        bounds = self.bounds
        start, end = int(bounds[k]), int(bounds[k + 1])
        if self._file is None:
            return self._values()[start:end]
        if not self._flushed:
            self._file.flush()
            self._flushed = True
        data = os.pread(self._file.fileno(), 4 * (end - start), 4 * start)
        return np.frombuffer(data, np.uint32)

    def close(self) -> None:
        self._view = None
        if self._file is not None:
            self._file.close()
            self._file = None
