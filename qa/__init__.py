"""qa: answer questions about news articles from the terminal, offline.

    from qa import ask
    answer = ask("how far from al-Mayadin?")

`clear_index_cache()` forgets the opened index (the next `ask` reopens it).
"""
from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["ask", "clear_index_cache", "open_index", "QaError", "__version__"]


def __getattr__(name: str):
    # The library pulls in the index and ranking modules; import them only when a caller
    # wants them, so that `qa --help` and the REPL banner stay fast. They live in `qa.api`
    # (not `qa.ask`): importing a submodule named `ask` would bind the module over the
    # function as `qa.ask`.
    if name in __all__ and name != "__version__":
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'qa' has no attribute {name!r}")
