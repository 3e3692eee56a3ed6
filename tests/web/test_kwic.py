"""The frames page's keyword-in-context drill-down (HTML partial and JSON twin)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from casusbelli.sources import CorpusStore
from casusbelli.web import WebSettings, create_app

FRAME = """label: Threat
terms:
  en: [fascism, nazi]
"""


def test_kwic_lines_escaped_and_json_twin(make_workspace, tmp_path):
    root = make_workspace({"frames/threat.yaml": FRAME}, name="kw")
    corpus = tmp_path / "c.csv"
    corpus.write_text("id,date,text\n1,2020-01-01,<script>alert(1)</script> the Nazi threat\n"
                      "2,2021-01-01,nothing\n", encoding="utf-8")
    CorpusStore(root / ".casus" / "corpora").ingest(corpus, "demo", "text", "date", id_col="id")
    app = create_app(WebSettings(workspace=str(root), db=f"sqlite:///{tmp_path / 'k.db'}",
                                 sections=["within"], allowed_hosts=["testserver"]))
    client = TestClient(app)
    page = client.get("/frames")
    assert page.status_code == 200 and 'hx-get="/frames/kwic"' in page.text
    assert "<option>demo</option>" in page.text
    part = client.get("/frames/kwic", params={"frame": "threat", "corpus": "demo"},
                      headers={"hx-request": "true"})
    assert part.status_code == 200
    assert "<mark>Nazi</mark>" in part.text
    assert "<script>alert(1)</script>" not in part.text
    assert "&lt;script&gt;" in part.text
    assert "<html" not in part.text  # htmx gets the fragment only
    doc = client.get("/api/v1/frames/kwic", params={"frame": "threat", "corpus": "demo"}).json()
    assert [ln["match"] for ln in doc["lines"]] == ["Nazi"] and doc["corpora"] == ["demo"]
    missing = client.get("/api/v1/frames/kwic", params={"frame": "threat", "corpus": "nope"})
    assert missing.status_code in (400, 404, 422)
    assert "no ingested corpus 'nope'" in missing.text
    bad = client.get("/api/v1/frames/kwic", params={"frame": "<x>", "corpus": "demo"})
    assert bad.status_code == 422
