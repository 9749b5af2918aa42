"""Room for numpy, checked before it is imported.

OpenBLAS, which numpy loads, reserves a buffer when it is imported and, when the address space
is too small (`ulimit -v`), prints "OpenBLAS error" and ends the process with status 1, which
qa's exit codes call "nothing matched". Mapping as much memory first (mapped, never touched,
so it costs no RAM) turns that into a MemoryError, which `qa` reports in one line with status 2.
"""
from __future__ import annotations

import mmap
import sys

# numpy's libraries and OpenBLAS's buffer need about 80 MB of address space (measured with
# ulimit -v: the import fails at 100 MB in all, and works at 120 MB).
NUMPY_ROOM = 96 << 20


def ensure_room_for_numpy() -> None:
    """Raise MemoryError if numpy, not yet loaded, could not be."""
    if "numpy" in sys.modules:
        return
    try:
        mmap.mmap(-1, NUMPY_ROOM).close()
    except (OSError, ValueError):
        raise MemoryError("no room to load numpy") from None
