"""``signposts/*.yaml``: a likelihood for every theory, known questions and sources."""

from __future__ import annotations

from casusbelli.workspace.validate.parsed import Parsed

__all__ = ["check_signposts"]


def check_signposts(ws: Parsed) -> None:
    """Each signpost gives P(observed | theory) for every known theory and no other."""
    col = ws.col
    for sid, sp in ws.signposts.items():
        rel, marks = ws.docs["signpost"][sid]
        for t in sp.likelihoods:
            if t not in ws.theories:
                col.unknown(rel, marks, ("likelihoods", t), "theory", t, ws.theories)
        for t in ws.theories:
            if t not in sp.likelihoods:
                col.add_at(rel, marks, ("likelihoods",),
                           f"no likelihood for theory {t!r} (every theory needs one)", "missing")
        for j, qid_ref in enumerate(sp.questions):
            if qid_ref not in ws.questions:
                col.unknown(rel, marks, ("questions", j), "question", qid_ref, ws.questions)
        for j, ref in enumerate(sp.sources):
            ws.check_ref(ref, rel, marks, ("sources", j))
