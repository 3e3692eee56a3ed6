"""``theories/*.yaml``: each theory's references and the indicators its implications name.

(Expected paths are parsed, and their ids checked, by the cross-case engine.)
"""

from __future__ import annotations

from casusbelli.workspace.validate.parsed import Parsed

__all__ = ["check_theories"]


def check_theories(ws: Parsed) -> None:
    """Every reference cites a known source; every implication names a known indicator."""
    for tid, th in ws.theories.items():
        rel, marks = ws.docs["theory"][tid]
        for j, ref in enumerate(th.references):
            ws.check_ref(ref, rel, marks, ("references", j))
        for j, imp in enumerate(th.implications):
            if imp.indicator not in ws.indicators:
                ws.col.unknown(rel, marks, ("implications", j, "indicator"), "indicator",
                               imp.indicator, ws.indicators)
