"""Path expressions: parsed into a tree, their indicator ids listed, malformed ones refused."""

from __future__ import annotations

import pytest

from casusbelli.errors import ForecastError
from casusbelli.expression import expression_names, parse_path


def test_precedence_is_not_then_and_then_or():
    assert parse_path("~x*y + z") == ("or", (("and", (("not", ("var", "x")), ("var", "y"))),
                                             ("var", "z")))


def test_names_are_listed_once_in_first_seen_order():
    assert expression_names(parse_path("b*(a + ~b)*c + a")) == ["b", "a", "c"]


@pytest.mark.parametrize(("bad", "message"), [
    ("a*", "path 'a*' ends too early"),
    ("a + (b", "path 'a + (b' ends too early"),
    ("a & b", "path 'a & b': unexpected '&'"),
    ("a b", "path 'a b': unexpected 'b'"),
    ("", "empty path"),
])
def test_a_malformed_path_names_what_is_wrong(bad, message):
    with pytest.raises(ForecastError) as info:
        parse_path(bad)
    assert (info.value.message, info.value.field) == (message, "rule.path")
