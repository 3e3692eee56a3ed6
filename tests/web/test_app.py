"""Every page and its JSON twin answer, escape hostile evidence, and follow the OpenAPI shapes."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from casusbelli.web import WebSettings, create_app
from tests.conftest import MINI_FILES

from .conftest import EVIDENCE, HOSTILE


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    """One read-only app for this module (building an app per test is the slow part)."""
    root = tmp_path_factory.mktemp("webapp") / "ws"
    for rel, text in {**MINI_FILES, "evidence/one.yaml": EVIDENCE}.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    app = create_app(WebSettings(workspace=str(root), db=f"sqlite:///{root.parent / 'c.db'}",
                                 sections=["within"], allowed_hosts=["testserver"]))
    c = TestClient(app)
    c.headers["X-CSRF-Token"] = c.get("/api/v1/session").json()["csrf_token"]
    return c

PAGES = ["/", "/theories", "/cases", "/cases/one", "/cases/two", "/qca", "/frames", "/forecasts",
         "/audit"]
APIS = ["/api/v1/overview", "/api/v1/theories", "/api/v1/cases", "/api/v1/cases/one",
        "/api/v1/cases/one/ach", "/api/v1/cases/one/trace.vl.json", "/api/v1/qca",
        "/api/v1/frames", "/api/v1/frames/chart.vl.json", "/api/v1/forecasts", "/api/v1/audit",
        "/api/v1/health", "/api/v1/session"]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_renders_html(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/html")
    assert "<nav>" in r.text


@pytest.mark.parametrize("path", APIS)
def test_every_api_answers_json(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/json")


def test_every_page_has_a_documented_json_twin(client: TestClient) -> None:
    doc = client.get("/api/v1/openapi.json").json()
    paths = set(doc["paths"])
    for twin in ("/api/v1/overview", "/api/v1/theories", "/api/v1/cases",
                 "/api/v1/cases/{case_id}", "/api/v1/cases/{case_id}/ach/edits",
                 "/api/v1/qca", "/api/v1/frames", "/api/v1/forecasts", "/api/v1/audit"):
        assert twin in paths
    ok = doc["paths"]["/api/v1/cases/{case_id}"]["get"]["responses"]["200"]
    assert ok["content"]["application/json"]["schema"]["$ref"].endswith("/CaseOut")
    assert "409" in doc["paths"]["/api/v1/cases/{case_id}/ach/edits"]["post"]["responses"]


@pytest.mark.parametrize("path", ["/cases/one", "/", "/api/v1/cases/one"])
def test_hostile_evidence_text_is_escaped(client: TestClient, path: str) -> None:
    text = client.get(path).text
    if path.startswith("/api"):  # JSON keeps the text verbatim; escaping is the renderer's job
        assert HOSTILE in client.get(path).json()["ach"]["items"][0]["text"]
        return
    assert "<script>alert" not in text
    assert "<img src=x" not in text
    if path == "/cases/one":
        assert ("&lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt;"
                "&lt;img src=x onerror=alert(2)&gt;") in text
        assert "&#34;onerror=alert(3)&#34; &amp; more." in text


def test_pages_forbid_inline_script_by_csp(client: TestClient) -> None:
    r = client.get("/cases/one")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("style-src")[0]
    assert r.headers["x-frame-options"] == "DENY"
    # the page itself carries no inline <script> (only src= ones)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", r.text)


def test_overview_gives_verdict_per_case_with_evidence(client: TestClient) -> None:
    o = client.get("/api/v1/overview").json()
    assert [v["case"] for v in o["verdict"]] == ["one"]
    v = o["verdict"][0]
    assert set(v["posterior"]) == {"alpha", "beta"}
    assert abs(sum(v["posterior"].values()) - 1) < 1e-6
    assert v["most_probable"] in o["wins"] and "one" in o["wins"][v["most_probable"]]
    assert o["counts"]["cases"] == 2
    assert "within" in [s["name"] for s in o["sections"]]


def test_cases_filter_by_text_and_kind(client: TestClient) -> None:
    assert [c["id"] for c in client.get("/api/v1/cases?q=TWO").json()["cases"]] == ["two"]
    cases = client.get("/api/v1/cases?kind=intervention").json()["cases"]
    assert [c["id"] for c in cases] == ["one"]
    assert client.get("/api/v1/cases?kind=bogus").status_code == 422


def test_cases_filter_htmx_gets_only_the_table(client: TestClient) -> None:
    r = client.get("/cases?q=one", headers={"HX-Request": "true"})
    assert r.status_code == 200
    assert r.text.lstrip().startswith('<div id="cases-table">')
    assert "<nav>" not in r.text
    assert "/cases/one" in r.text and "/cases/two" not in r.text


def test_case_page_shows_codings_with_sources(client: TestClient) -> None:
    c = client.get("/api/v1/cases/one").json()
    a = next(cd for cd in c["codings"] if cd["indicator"] == "a")
    assert a["value"] == 0.67 and a["sources"][0] == {"source": "src1", "locator": "p. 4",
                                                      "title": "A real-looking book", "year": 2020}
    assert next(cd for cd in c["codings"] if cd["indicator"] == "b")["value"] is None
    html = client.get("/cases/one").text
    assert "src1, p. 4" in html and "unknown" in html


def test_case_without_evidence_has_no_matrix(client: TestClient) -> None:
    assert client.get("/api/v1/cases/two").json()["ach"] is None
    assert client.get("/api/v1/cases/two/ach").status_code == 404


def test_unknown_case_is_404_in_html_and_json(client: TestClient) -> None:
    r = client.get("/api/v1/cases/nope")
    assert r.status_code == 404
    assert r.json()["error"] == "UnknownIdError" and "no case 'nope'" in r.json()["message"]
    r = client.get("/cases/nope")
    assert r.status_code == 404 and "Not found" in r.text


def test_trace_chart_is_a_vega_lite_spec(client: TestClient) -> None:
    spec = client.get("/api/v1/cases/one/trace.vl.json").json()
    assert spec["$schema"].endswith("vega-lite/v6.json")
    assert spec["mark"]["type"] == "line"
    steps = {v["item"] for v in spec["data"]["values"]}
    # one step per cluster: e1 and e3 cite the same source (src1), so they count once
    assert steps == {"prior", "e1+e3", "e2"}


def test_vendored_js_is_served(client: TestClient) -> None:
    for f in ("htmx.min.js", "vega.min.js", "vega-lite.min.js", "vega-embed.min.js"):
        r = client.get(f"/static/vendor/{f}")
        assert r.status_code == 200 and len(r.content) > 10_000


def test_builtin_workspace_serves(tmp_path) -> None:
    app = create_app(WebSettings(workspace="russia", db=f"sqlite:///{tmp_path / 'r.db'}",
                                 analyze=False, allowed_hosts=["testserver"]))
    c = TestClient(app)
    assert c.get("/").status_code == 200
    cases = c.get("/api/v1/cases").json()["cases"]
    assert len(cases) >= 25
    assert c.get(f"/cases/{cases[0]['id']}").status_code == 200
