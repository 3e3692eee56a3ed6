"""The ACH editor: an htmx POST changes a cell and the scores; stale edits get 409; CSRF."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient


def _score(client: TestClient, h: str) -> float:
    ach = client.get("/api/v1/cases/one/ach").json()
    return next(s["weighted_inconsistency"] for s in ach["scores"] if s["hypothesis"] == h)


def _form(client: TestClient, **fields: object) -> dict[str, str]:
    data = {"item": "e2", "field": "rating", "hypothesis": "alpha", "value": "II",
            "version": "0", "analyst": "default"}
    data.update({k: str(v) for k, v in fields.items()})
    return data


def test_htmx_edit_returns_the_matrix_fragment_with_new_scores(client: TestClient) -> None:
    before = _score(client, "alpha")  # e3 is I against alpha: -1
    assert before == -1.0
    r = client.post("/cases/one/ach", data=_form(client), headers={"HX-Request": "true"})
    assert r.status_code == 200, r.text
    assert r.text.lstrip().startswith('<div id="ach"')
    assert "<nav>" not in r.text  # a fragment, not a page
    assert 'data-score="alpha" data-rank="2">-3.00' in r.text
    assert "Saved rating of e2 / alpha = II (version 1" in r.text
    assert _score(client, "alpha") == -3.0
    # the edit is kept (a new request reads it back from the store)
    cell = client.get("/api/v1/cases/one/ach").json()["items"][1]["ratings"][0]
    assert cell == {"hypothesis": "alpha", "value": "II", "version": 1}


def test_weighted_scores_follow_credibility_edits(client: TestClient) -> None:
    assert _score(client, "beta") == -2.0  # e1 high credibility x I = -2
    r = client.post("/api/v1/cases/one/ach/edits",
                    json={"item": "e1", "field": "credibility", "value": "low", "version": 0})
    assert r.status_code == 200, r.text
    assert r.json()["edit"]["version"] == 1
    assert _score(client, "beta") == -0.5


def test_plain_form_post_redirects_back_to_the_case(client: TestClient) -> None:
    r = client.post("/cases/one/ach", data=_form(client), follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/cases/one#ach"


def test_stale_edit_is_409_with_the_newer_value_and_nothing_lost(client: TestClient) -> None:
    first = client.post("/api/v1/cases/one/ach/edits",
                        json={"item": "e2", "field": "rating", "hypothesis": "alpha",
                              "value": "C", "version": 0})
    assert first.status_code == 200
    stale = client.post("/api/v1/cases/one/ach/edits",
                        json={"item": "e2", "field": "rating", "hypothesis": "alpha",
                              "value": "II", "version": 0})
    assert stale.status_code == 409
    body = stale.json()
    assert body["error"] == "StaleEditError"
    assert body["current"]["value"] == "C" and body["current"]["version"] == 1
    assert body["attempted"] == "II"
    # the saved value is untouched
    cell = client.get("/api/v1/cases/one/ach").json()["items"][1]["ratings"][0]
    assert cell["value"] == "C" and cell["version"] == 1
    # the htmx form shows the newer value and the attempted one, with status 409
    r = client.post("/cases/one/ach", data=_form(client, value="I"),
                    headers={"HX-Request": "true"})
    assert r.status_code == 409
    assert 'class="current-value">C<' in r.text and 'class="attempted-value">I<' in r.text
    assert 'data-cell="e2:alpha"' in r.text
    # retrying on the newer version succeeds
    ok = client.post("/api/v1/cases/one/ach/edits",
                     json={"item": "e2", "field": "rating", "hypothesis": "alpha",
                           "value": "II", "version": 1})
    assert ok.status_code == 200 and ok.json()["edit"]["version"] == 2


def test_write_without_csrf_token_is_refused(client: TestClient) -> None:
    token = client.headers.pop("X-CSRF-Token")
    r = client.post("/api/v1/cases/one/ach/edits",
                    json={"item": "e2", "field": "rating", "hypothesis": "alpha",
                          "value": "C", "version": 0})
    assert r.status_code == 403 and r.json()["error"] == "CsrfError"
    r = client.post("/cases/one/ach", data=_form(client), headers={"HX-Request": "true"})
    assert r.status_code == 403
    r = client.post("/cases/one/ach", data=_form(client, csrf_token="f" * 64),
                    headers={"HX-Request": "true"})
    assert r.status_code == 403
    # the token in a form field is accepted, like the header
    r = client.post("/cases/one/ach", data=_form(client, csrf_token=token),
                    headers={"HX-Request": "true"})
    assert r.status_code == 200
    assert client.get("/api/v1/audit").json()["entries"][0]["new_value"] == "II"


def test_bad_edits_are_4xx_not_5xx(client: TestClient) -> None:
    r = {"field": "rating", "hypothesis": "alpha", "version": 0}
    cases = [
        ({**r, "item": "nope", "value": "C"}, 404),
        ({**r, "item": "e1", "hypothesis": "gamma", "value": "C"}, 404),
        ({**r, "item": "e1", "value": "ZZ"}, 400),
        ({"item": "e1", "field": "credibility", "value": "huge", "version": 0}, 400),
        ({"item": "e1", "field": "colour", "value": "C", "version": 0}, 422),
        ({**r, "item": "e1", "value": "C", "version": -1}, 422),
    ]
    for body, status in cases:
        r = client.post("/api/v1/cases/one/ach/edits", json=body)
        assert r.status_code == status, (body, r.text)
    r = client.post("/cases/one/ach", data=_form(client, field="colour"),
                    headers={"HX-Request": "true"})
    assert r.status_code == 400
    assert client.post("/api/v1/cases/two/ach/edits", json=cases[0][0]).status_code == 404


def test_every_saved_edit_is_in_the_audit_log(client: TestClient) -> None:
    client.post("/cases/one/ach", data=_form(client), headers={"HX-Request": "true"})
    client.post("/cases/one/ach", data=_form(client, value="C", version=1),
                headers={"HX-Request": "true"})
    entries = client.get("/api/v1/audit").json()["entries"]
    assert [(e["old_value"], e["new_value"], e["version"]) for e in entries] == [
        ("II", "C", 2), ("N", "II", 1)]
    assert "<td>ach_edit</td>" in client.get("/audit").text


def test_overview_verdict_follows_edits(client: TestClient) -> None:
    before = client.get("/api/v1/overview").json()["verdict"][0]["posterior"]["alpha"]
    for item in ("e1", "e2"):
        r = client.post("/api/v1/cases/one/ach/edits",
                        json={"item": item, "field": "rating", "hypothesis": "alpha",
                              "value": "II", "version": 0})
        assert r.status_code == 200
    after = client.get("/api/v1/overview").json()["verdict"][0]["posterior"]["alpha"]
    assert after < before


def _spies(spy) -> dict[str, object]:
    from casusbelli.analysis.within import evidence_matrix
    from casusbelli.store.ach_edits import apply_edits, list_edits

    return {"list_edits": spy(list_edits), "apply_edits": spy(apply_edits),
            "evidence_matrix": spy(evidence_matrix)}


def test_one_edit_post_reads_edits_and_builds_the_matrix_once(client: TestClient, spy) -> None:
    # two analysts (bob's column: pooled scores too) and an edit of each kind saved already
    for body in ({"item": "e1", "field": "rating", "hypothesis": "beta", "value": "C",
                  "version": 0, "analyst": "bob"},
                 {"item": "e3", "field": "credibility", "value": "low", "version": 0}):
        assert client.post("/api/v1/cases/one/ach/edits", json=body).status_code == 200
    calls = _spies(spy)
    r = client.post("/api/v1/cases/one/ach/edits",
                    json={"item": "e2", "field": "rating", "hypothesis": "alpha",
                          "value": "II", "version": 0})
    assert r.status_code == 200 and r.json()["ach"]["pooled_scores"] is not None
    assert {k: m.call_count for k, m in calls.items()} == {
        "list_edits": 1, "apply_edits": 1, "evidence_matrix": 1}
    for m in calls.values():
        m.reset_mock()
    r = client.post("/cases/one/ach", data=_form(client, value="C", version=1),
                    headers={"HX-Request": "true"})
    assert r.status_code == 200 and "Saved rating of e2 / alpha = C (version 2" in r.text
    assert {k: m.call_count for k, m in calls.items()} == {
        "list_edits": 1, "apply_edits": 1, "evidence_matrix": 1}


def test_shared_matrix_gives_each_analysts_own_scores(client: TestClient) -> None:
    assert client.post("/api/v1/cases/one/ach/edits",
                       json={"item": "e3", "field": "rating", "hypothesis": "alpha",
                             "value": "CC", "version": 0, "analyst": "bob"}).status_code == 200
    bob = client.get("/api/v1/cases/one/ach?analyst=bob").json()
    me = client.get("/api/v1/cases/one/ach").json()
    scores = {a["analyst"]: {s["hypothesis"]: s["inconsistency"] for s in a["scores"]}
              for a in (bob, me)}
    # e3 is I against alpha in the file: bob's CC removes that inconsistency, not the default's
    assert scores["bob"]["alpha"] == scores["default"]["alpha"] + 1
    assert me["pooled_scores"] == bob["pooled_scores"] is not None


@pytest.mark.slow
def test_336_concurrent_edits_on_sqlite_are_all_saved(make_app) -> None:
    """F7 of issue #17: concurrent edits wait for the write lock instead of failing with 503."""
    import httpx

    from .conftest import running

    app = make_app()
    cells = [(item, h, f"analyst{i}") for item in ("e1", "e2", "e3") for h in ("alpha", "beta")
             for i in range(56)]
    assert len(cells) == 336
    with running(app) as base:
        with httpx.Client(base_url=base) as c:
            token = c.get("/api/v1/session").json()["csrf_token"]
            refused: list[str] = []

            def edit(cell: tuple[str, str, str]) -> int:
                item, hypothesis, analyst = cell
                r = c.post("/api/v1/cases/one/ach/edits", headers={"X-CSRF-Token": token},
                           json={"item": item, "field": "rating", "hypothesis": hypothesis,
                                 "analyst": analyst, "value": "C", "version": 0}, timeout=120)
                if r.status_code != 200:
                    refused.append(r.text[:300])
                return r.status_code

            with ThreadPoolExecutor(max_workers=64) as pool:
                codes = Counter(pool.map(edit, cells))
    assert codes == {200: 336}, refused[:3]
    assert len(app.state.casus.edits()) == 336
