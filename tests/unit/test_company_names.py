import pytest

from service.company_names import (
    MIN_FUZZY_LENGTH,
    company_name_keys,
    fuzzy_block_key,
    glued_legal_form_stems,
    pick_fuzzy_name,
)
from tests.unit.account_fixtures import account as _account
from tests.unit.account_fixtures import account_index as _index


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


def test_gekko_and_co_ltd_finds_gekko_and_co_and_back() -> None:
    index = _index(_account("g1", "Gekko & Co"), _account("g2", "Gekko Holdings & Co., Ltd."))
    found = index.match(None, None, "Gekko & Co Ltd")
    holdings = index.match(None, None, "Gekko Holdings")
    assert found is not None
    assert holdings is not None
    assert (found.account_id, found.method, holdings.account_id) == ("g1", "company_name", "g2")
    reverse = _index(_account("g1", "Gekko & Co Ltd"))
    match = reverse.match(None, None, "Gekko & Co")
    assert match is not None
    assert match.account_id == "g1"


def test_a_glued_legal_form_finds_an_account_whose_name_has_that_form_only() -> None:
    index = _index(_account("b1", "Bluth Company"), _account("g1", "Gekko"))
    match = index.match(None, None, "BluthCompany")
    assert match is not None
    assert match.account_id == "b1"
    assert index.match(None, None, "GekkoCompany") is None


def test_a_misspelt_name_matches_fuzzily_when_one_account_is_clearly_closest() -> None:
    index = _index(_account("k1", "Kangaroo Logistics Pty Ltd"), _account("w1", "Wonka"))
    found = index.lookup(None, None, "Kangaro Logistics")
    assert found.match is not None
    assert (found.match.account_id, found.match.method) == ("k1", "fuzzy_name")
    assert found.account == index.get("k1")
    assert found.unmatched_reason is None


def test_a_misspelt_name_two_accounts_are_equally_close_to_stays_unmatched() -> None:
    index = _index(_account("a", "Kandela One"), _account("b", "Kandela Ono"))
    found = index.lookup(None, None, "Kandela On")
    assert (found.match, found.account, found.unmatched_reason) == (None, None, "ambiguous_name")


def test_a_name_only_somewhat_like_an_account_is_a_weak_match_and_stays_unmatched() -> None:
    index = _index(_account("k", "Kancode"))
    assert index.lookup(None, None, "Kancdoe").unmatched_reason == "weak_name_match"
    assert index.lookup(None, None, "Kanbanware").unmatched_reason == "no_such_account"
