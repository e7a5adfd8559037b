import pytest

from service.company_names import (
    MIN_FUZZY_LENGTH,
    company_name_keys,
    fuzzy_block_key,
    glued_legal_form_stems,
    pick_fuzzy_name,
)


@pytest.mark.parametrize(
    "variant",
    ["Kan-code", "Kan code", "Kancode", "KanCode", "KAN-CODE", "Kan.Code Ltd", "Kan_code"],
)
def test_hyphen_spacing_and_punctuation_variants_share_one_compact_key(variant: str) -> None:
    keys = company_name_keys(variant)
    assert keys is not None
    assert keys.compact == "kancode"


def test_the_spaced_key_keeps_word_breaks() -> None:
    assert company_name_keys("Kan-code GmbH") == ("kan code", "kancode", ("kancodegmbh",))
    assert company_name_keys("Kancode") == ("kancode", "kancode", ())


def test_glued_spellings_keep_each_legal_form_in_turn() -> None:
    keys = company_name_keys("Bluth Company, Inc.")
    assert keys is not None
    assert (keys.compact, keys.glued) == ("bluth", ("bluthcompanyinc", "bluthcompany"))


def test_nothing_identifying_has_no_keys() -> None:
    assert company_name_keys(None) is None
    assert company_name_keys("N/A") is None


def test_a_glued_legal_form_gives_the_stem_it_may_stand_for() -> None:
    assert "bluth" in glued_legal_form_stems("bluthcompany")
    assert "gekko" in glued_legal_form_stems("gekkocoltd")
    assert glued_legal_form_stems("hooli") == ()
    assert glued_legal_form_stems("inc") == ()  # a legal form alone is no stem


def test_names_are_blocked_by_their_first_three_letters_once_long_enough() -> None:
    assert fuzzy_block_key("kancode") == "kan"
    assert fuzzy_block_key("hooli") is None
    assert len("kancod") == MIN_FUZZY_LENGTH
    assert fuzzy_block_key("kancod") == "kan"


def test_a_clear_fuzzy_winner_is_picked_with_every_account_of_that_name() -> None:
    names = ("kangaroologistics", "kancode", "kandelaone", "kancode")
    assert pick_fuzzy_name("kancodee", names) == ((1, 3), None)
    assert pick_fuzzy_name("kangarolgistics", names) == ((0,), None)


def test_two_names_scoring_alike_are_ambiguous() -> None:
    assert pick_fuzzy_name("kandelaon", ("kandelaone", "kandelaono")) == ((), "ambiguous_name")


def test_a_close_but_not_close_enough_name_is_a_weak_match() -> None:
    # Two letters swapped in seven is two edits: too far to be sure.
    assert pick_fuzzy_name("kancdoe", ("kancode",)) == ((), "weak_name_match")


def test_a_far_name_matches_no_account() -> None:
    assert pick_fuzzy_name("kanzzzzzz", ("kancode",)) == ((), "no_such_account")
    assert pick_fuzzy_name("kancode", ()) == ((), "no_such_account")


def test_short_names_are_never_fuzzy_matched() -> None:
    assert pick_fuzzy_name("hoolii"[:5], ("hooli",)) == ((), "no_such_account")
