"""The garbage collector held off around work that makes many objects and no cyclic garbage
(imports, a workbook's cells): collections there would only walk what reference counting
frees anyway. Light on purpose: the command line uses it before pandas is loaded."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def off() -> Iterator[None]:
    """The collector off inside; back on after, also on an error or Ctrl-C, unless the caller
    had it off already."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
