"""Markdown pieces the operations documents share: cells, code spans, links, tables, durations, sizes."""

from __future__ import annotations

from typing import Any

NOT_DEPLOYED = "not deployed yet"  # where a link would go before the first deploy
GIB = 1024**3


def cell(value: Any) -> str:
    """A table cell: pipes escaped, newlines flattened."""
    return str(value).replace("|", "\\|").replace("\n", " ")


def code(text: str) -> str:
    return f"`{text}`" if "`" not in text else f"`` {text} ``"


def link(url: str | None, text: str | None = None) -> str:
    if not url:
        return NOT_DEPLOYED
    return f"[{text}]({url})" if text else f"<{url}>"


def table(header: tuple[str, ...], rows: list[tuple[Any, ...]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return lines


def minutes(value: int) -> str:
    if value % 60 == 0 and value >= 60:
        hours = value // 60
        return f"{hours} hour" + ("s" if hours != 1 else "")
    return f"{value} min"


def gib(value: Any) -> str:
    number = float(value)
    return f"{number / GIB:g} GiB"
