"""A domain or company name claimed by several accounts goes to the first claimant, then to the
next in line; an account that drops a claim stops being found by it."""

from tests.unit.account_fixtures import account as _account
from tests.unit.account_fixtures import account_index as _index


def test_an_upsert_that_changes_domains_drops_the_old_ones() -> None:
    index = _index(_account("a1", "Acme", "acme.com", "acme.io"))
    index.upsert(_account("a1", "Acme", "acme.io", "acme.net"))
    assert index.match("acme.com", None, None) is None
    assert index.match("acme.io", None, None) is not None
    assert index.match("acme.net", None, None) is not None
    assert len(index) == 1


def test_an_upsert_that_renames_an_account_drops_the_old_name() -> None:
    index = _index(_account("a1", "Initech"))
    index.upsert(_account("a1", "Initrode"))
    assert index.match(None, None, "Initech") is None
    match = index.match(None, None, "Initrode")
    assert match is not None
    assert match.name == "Initrode"


def test_the_first_account_to_claim_a_company_name_wins() -> None:
    index = _index(_account("z9", "Globex Corp"), _account("a1", "Globex, Inc."))
    match = index.match(None, None, "Globex")
    assert match is not None
    assert match.account_id == "z9"


def test_the_first_claimant_keeps_winning_when_it_is_updated() -> None:
    index = _index(_account("first", "Globex"), _account("second", "Globex"))
    index.upsert(_account("first", "Globex", owner_rep_id="rep-9"))
    match = index.match(None, None, "Globex")
    assert match is not None
    assert match.account_id == "first"


def test_the_next_claimant_takes_over_when_the_winner_leaves() -> None:
    index = _index(
        _account("first", "Globex", "globex.com"),
        _account("second", "Globex", "globex.com"),
        _account("third", "Globex", "globex.com"),
    )
    index.remove("first")
    by_name = index.match(None, None, "Globex")
    by_domain = index.match("globex.com", None, None)
    assert by_name is not None
    assert by_domain is not None
    assert (by_name.account_id, by_domain.account_id) == ("second", "second")
    index.upsert(_account("second", "Globex Renamed", "other.com"))
    by_name = index.match(None, None, "Globex")
    by_domain = index.match("globex.com", None, None)
    assert by_name is not None
    assert by_domain is not None
    assert (by_name.account_id, by_domain.account_id) == ("third", "third")


def test_shared_claims_collapse_back_after_removals() -> None:
    index = _index(_account("a", "Globex", "globex.com"), _account("b", "Globex", "globex.com"))
    index.remove("a")
    index.remove("b")
    assert index.match("globex.com", None, "Globex") is None
    index.upsert(_account("c", "Globex", "globex.com"))
    match = index.match("globex.com", None, None)
    assert match is not None
    assert match.account_id == "c"


def test_duplicate_accounts_of_one_name_keep_the_first_claimant_rule_for_every_spelling() -> None:
    index = _index(_account("first", "Kan-code"), _account("second", "Kan code"))
    for spelling in ("Kan code", "Kancode", "Kancodee"):
        match = index.match(None, None, spelling)
        assert match is not None
        assert match.account_id == "first", spelling
