"""qa: answer questions about news articles from the terminal, offline.

    from qa import ask
    answer = ask("how far from al-Mayadin?")
"""
from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["ask", "__version__"]


def __getattr__(name: str):
    # `ask` pulls in the index and ranking modules; import them only when a caller wants
    # them, so that `qa --help` and the REPL banner stay fast.
    if name == "ask":
        from .ask import ask

        return ask
    raise AttributeError(name)
