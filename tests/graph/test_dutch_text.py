"""The Dutch analysis of a typed signal: stems, stop words, compounds, folding."""

from __future__ import annotations

import pytest

from caleido.graph.dutch_text import analyse, similarity, split_compound, stem, stems_of, trigrams


def test_words_are_folded_and_stemmed_so_forms_of_one_word_meet() -> None:
    assert stem("jongeren") == stem("Jongere") == stem("JONGERE")
    assert stems_of("deelt") & stems_of("delen")  # Snowball alone keeps these apart
    assert stems_of("isoleert") & stems_of("isoleren")
    assert stems_of("politieke") & stems_of("politiek")
    assert stem("complottheorieën") == stem("complottheorieen")  # accents folded


def test_stop_words_are_dropped_and_content_words_kept_in_order() -> None:
    tokens = analyse("De jongere trekt zich terug en is erg boos op de overheid")
    assert [t.word for t in tokens] == ["jongere", "trekt", "terug", "boos", "overheid"]


@pytest.mark.parametrize(
    ("word", "parts"),
    [
        ("complotfilmpjes", ("complot", "filmpjes")),
        ("overheidswantrouwen", ("overheid", "wantrouwen")),  # the linking -s- dropped
        ("vriendengroep", ("vrienden", "groep")),
        ("klassenapp", ("klassenapp",)),  # "klassen" is no known part: left whole
        ("vriendschappen", ("vriendschappen",)),  # "schappen" is no word here: no false split
    ],
)
def test_common_compounds_are_split_into_known_parts(word: str, parts: tuple[str, ...]) -> None:
    assert split_compound(word) == parts


def test_a_compound_is_split_by_the_callers_vocabulary_too() -> None:
    assert split_compound("klassenapp", stems_of("klas")) == ("klassen", "app")


def test_a_split_compound_is_matched_by_its_parts() -> None:
    (token,) = analyse("complotfilmpjes")
    assert token.word == "complotfilmpjes" and token.parts == ("complot", "filmpjes")
    assert stems_of("complot") <= token.stems and stems_of("filmpje") & token.stems


def test_punctuation_html_and_numbers_are_not_words() -> None:
    assert [t.word for t in analyse("<b>haat</b> 2024 !!!")] == ["haat"]


def test_trigram_similarity_finds_a_near_spelling() -> None:
    assert similarity(trigrams("complotdenkn"), trigrams("complotdenken")) > 0.6
    assert similarity(trigrams("xyzzy"), trigrams("complotdenken")) == 0.0
