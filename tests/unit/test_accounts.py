"""Leads find their account by email domain, website domain, then company name; the match
routes by the account, or by its nearest owning parent, and repeated questions are answered
from memory."""

from service.accounts import _FOUND_SIZE
from tests.unit.account_fixtures import account as _account
from tests.unit.account_fixtures import account_index as _index


def test_a_lead_matches_its_account_by_email_domain() -> None:
    index = _index(_account("a1", "Acme Inc", "acme.com", tier="key", owner_rep_id="rep-1"))
    match = index.match("acme.com", None, None)
    assert match is not None
    assert (match.account_id, match.method, match.tier, match.owner_rep_id) == (
        "a1",
        "email_domain",
        "key",
        "rep-1",
    )


def test_the_match_carries_what_routing_needs_from_the_account() -> None:
    index = _index(
        _account(
            "a1",
            "Acme Inc",
            "acme.com",
            tier="strategic",
            owner_rep_id="rep-1",
            cover_rep_id="rep-2",
            account_team=("rep-3", "rep-4"),
            customer_status="customer",
        )
    )
    match = index.match("acme.com", None, None)
    assert match is not None
    assert match.name == "Acme Inc"
    assert match.cover_rep_id == "rep-2"
    assert match.account_team == ("rep-3", "rep-4")
    assert match.customer_status == "customer"


def test_email_domain_wins_over_website_and_name() -> None:
    index = _index(
        _account("by-email", "Email Co", "emailco.com"),
        _account("by-site", "Site Co", "site.com"),
        _account("by-name", "Globex"),
    )
    match = index.match("emailco.com", "site.com", "Globex")
    assert match is not None
    assert (match.account_id, match.method) == ("by-email", "email_domain")


def test_website_domain_is_used_when_the_email_domain_is_unknown() -> None:
    index = _index(_account("a1", "Acme", "acme.com"))
    match = index.match("other.org", "https://www.acme.com/contact", None)
    assert match is not None
    assert (match.account_id, match.method) == ("a1", "website_domain")


def test_company_name_is_the_last_resort_and_is_normalised() -> None:
    index = _index(_account("a1", "Acme Holdings, Inc."))
    match = index.match(None, None, "  ACME HOLDINGS LLC ")
    assert match is not None
    assert (match.account_id, match.method) == ("a1", "company_name")


def test_a_subdomain_matches_its_parent_account() -> None:
    index = _index(_account("a1", "Acme", "acme.com"), _account("uk", "Acme UK", "acme.co.uk"))
    eu = index.match("eu.acme.com", None, None)
    deep = index.match(None, "https://shop.eu.acme.com/", None)
    uk = index.match("london.acme.co.uk", None, None)
    assert eu is not None
    assert deep is not None
    assert uk is not None
    assert (eu.account_id, deep.account_id, uk.account_id) == ("a1", "a1", "uk")


def test_a_more_specific_domain_wins_over_its_parent() -> None:
    index = _index(_account("a1", "Acme", "acme.com"), _account("eu", "Acme EU", "eu.acme.com"))
    match = index.match("eu.acme.com", None, None)
    assert match is not None
    assert match.account_id == "eu"


def test_walking_up_stops_at_the_registrable_domain() -> None:
    # An account that (wrongly) lists a bare second-level suffix must not swallow every company.
    index = _index(_account("bad", "Bad Data", "co.uk"))
    assert index.match("acme.co.uk", None, None) is None


def test_a_parent_domain_does_not_match_a_subdomain_only_account() -> None:
    index = _index(_account("eu", "Acme EU", "eu.acme.com"))
    assert index.match("acme.com", None, None) is None


def test_nothing_matches_an_empty_lead() -> None:
    index = _index(_account("a1", "Acme", "acme.com"))
    assert index.match(None, None, None) is None
    assert index.match("", "N/A", "Select") is None


def test_an_upsert_updates_what_the_match_reports() -> None:
    index = _index(_account("a1", "Acme", "acme.com", owner_rep_id="rep-1"))
    index.upsert(_account("a1", "Acme", "acme.com", owner_rep_id="rep-2", tier="key"))
    match = index.match("acme.com", None, None)
    assert match is not None
    assert (match.owner_rep_id, match.tier) == ("rep-2", "key")


def test_a_removed_account_no_longer_matches() -> None:
    index = _index(_account("a1", "Acme", "acme.com"))
    assert index.remove("a1")
    assert index.match("acme.com", None, "Acme") is None
    assert index.get("a1") is None
    assert len(index) == 0
    assert not index.remove("a1")


def test_an_index_key_shared_by_two_values_never_gives_a_wrong_match() -> None:
    # Keys are hashes; simulate two different domains and names landing on the same key by
    # filing another account's claim under acme.com's and Acme's keys.
    index = _index(_account("other", "Globex", "globex.com"), _account("a1", "Acme", "acme.com"))
    index._by_domain[hash("acme.com")] = ("other", "a1")
    index._by_name[hash("acme")] = ("other", "a1")
    by_domain = index.match("acme.com", None, None)
    by_name = index.match(None, None, "Acme")
    assert by_domain is not None
    assert by_name is not None
    assert (by_domain.account_id, by_name.account_id) == ("a1", "a1")
    index._by_domain[hash("initech.com")] = "other"
    assert index.match("initech.com", None, None) is None


def test_match_account_gives_what_match_finds_and_the_account_as_get_gives_it() -> None:
    index = _index(
        _account("a1", "Acme Inc", "acme.com", industry="Banking", employee_count=300),
        _account("g1", "Globex", "globex.com"),
    )
    for question in (
        ("eu.acme.com", None, None),
        (None, "globex.com", None),
        (None, None, "ACME, Inc."),
    ):
        found = index.match_account(*question)
        assert found is not None
        match, account = found
        assert match == index.match(*question)
        assert account == index.get(match.account_id)


def test_match_account_is_none_when_nothing_matches() -> None:
    index = _index(_account("a1", "Acme Inc", "acme.com"))
    assert index.match_account("initech.com", None, "Initech") is None
    assert index.match_account(None, None, None) is None


def test_match_account_answers_a_repeated_question_from_the_index_as_it_is_now() -> None:
    index = _index(_account("a1", "Acme", "acme.com", owner_rep_id="rep-1"))
    before = index.match_account("acme.com", None, None)
    assert before is not None
    assert index.match_account("acme.com", None, None) == before

    index.upsert(_account("a1", "Acme", "acme.com", owner_rep_id="rep-2", industry="Retail"))
    updated = index.match_account("acme.com", None, None)
    assert updated is not None
    assert (updated[0].owner_rep_id, updated[1].industry) == ("rep-2", "Retail")

    index.upsert(_account("b1", "Initech", "initech.com"))
    assert index.match_account("initech.com", None, None) is not None
    index.remove("a1")
    assert index.match_account("acme.com", None, None) is None
    index.upsert(_account("c1", "Acme Again", "acme.com"))
    again = index.match_account("acme.com", None, None)
    assert again is not None
    assert again[0].account_id == "c1"


def test_match_account_remembers_a_bounded_number_of_answers_and_stays_right() -> None:
    index = _index(*(_account(f"a{n}", f"Company {n}", f"company{n}.com") for n in range(50)))
    # More distinct questions than it remembers, some matching by domain, some by name.
    questions: list[tuple[str | None, str | None, str | None]] = [
        (f"company{n % 60}.com", None, f"Lead {n}") for n in range(_FOUND_SIZE + 100)
    ]
    questions += [(None, f"www.company{n}.com", f"Company {n}") for n in range(60)]
    questions += [(None, None, f"Company {n}") for n in range(60)]
    for question in [*questions, *reversed(questions)]:
        found = index.match_account(*question)
        match = index.match(*question)
        assert (found[0] if found is not None else None) == match
        assert len(index._found) <= _FOUND_SIZE


def test_a_name_written_exactly_as_an_account_wins_over_one_written_differently() -> None:
    index = _index(_account("spaced", "Kan Code"), _account("joined", "Kancode"))
    spaced = index.match(None, None, "kan-code")
    joined = index.match(None, None, "KANCODE Ltd")
    assert spaced is not None
    assert joined is not None
    assert (spaced.account_id, joined.account_id) == ("spaced", "joined")


def test_a_compact_name_two_accounts_write_differently_matches_neither() -> None:
    index = _index(_account("spaced", "Kan Code Systems"), _account("joined", "Kancode Systems"))
    assert index.match(None, None, "KanCodeSystems") is None
    assert index.lookup(None, None, "KanCodeSystems").unmatched_reason == "ambiguous_name"


def test_an_unmatched_lead_says_why() -> None:
    index = _index(_account("a1", "Acme", "acme.com"))
    assert index.lookup(None, None, None).unmatched_reason == "no_company_data"
    assert index.lookup("gmail.com", None, "N/A").unmatched_reason == "no_company_data"
    assert index.lookup("initech.com", None, None).unmatched_reason == "no_such_account"
    assert index.lookup(None, None, "Initech").unmatched_reason == "no_such_account"
    assert index.lookup("acme.com", None, None).unmatched_reason is None


def test_a_lead_of_an_ownerless_subsidiary_routes_by_its_parent() -> None:
    parent = _account(
        "p1",
        "Globex Corporation",
        tier="key",
        owner_rep_id="rep-1",
        cover_rep_id="rep-2",
        account_team=("rep-3",),
    )
    child = _account("c1", "Globex Pharma GmbH", "globexpharma.de", parent_account_id="p1")
    index = _index(child, parent)  # the parent may arrive after its subsidiary
    match = index.match("globexpharma.de", None, None)
    assert match is not None
    assert (match.account_id, match.name, match.via_parent_account_id) == (
        "c1",
        "Globex Pharma GmbH",
        "p1",
    )
    assert (match.tier, match.owner_rep_id, match.cover_rep_id, match.account_team) == (
        "key",
        "rep-1",
        "rep-2",
        ("rep-3",),
    )
    account = index.get("c1")
    assert account is not None
    assert (account.parent_account_id, account.owner_rep_id) == ("p1", None)


def test_a_subsidiary_with_its_own_owner_routes_by_itself() -> None:
    index = _index(
        _account("p1", "Globex", tier="key", owner_rep_id="rep-1"),
        _account("c1", "Globex Pharma", owner_rep_id="rep-9", parent_account_id="p1"),
    )
    match = index.match(None, None, "Globex Pharma")
    assert match is not None
    assert (match.owner_rep_id, match.tier, match.via_parent_account_id) == (
        "rep-9",
        "standard",
        None,
    )


def test_the_nearest_owning_ancestor_routes_and_a_missing_or_circular_parent_does_not() -> None:
    index = _index(
        _account("top", "Globex Group", tier="strategic", owner_rep_id="rep-1"),
        _account("mid", "Globex Europe", parent_account_id="top"),
        _account("leaf", "Globex Pharma", parent_account_id="mid"),
        _account("orphan", "Initech Labs", parent_account_id="gone"),
        _account("loop-a", "Loop Alpha", parent_account_id="loop-b"),
        _account("loop-b", "Loop Beta", parent_account_id="loop-a"),
    )
    leaf = index.match(None, None, "Globex Pharma")
    orphan = index.match(None, None, "Initech Labs")
    loop = index.match(None, None, "Loop Alpha")
    assert leaf is not None
    assert orphan is not None
    assert loop is not None
    assert (leaf.via_parent_account_id, leaf.owner_rep_id, leaf.tier) == (
        "top",
        "rep-1",
        "strategic",
    )
    assert (orphan.via_parent_account_id, orphan.owner_rep_id) == (None, None)
    assert (loop.via_parent_account_id, loop.owner_rep_id) == (None, None)


def test_a_parents_change_reaches_its_subsidiaries_leads() -> None:
    index = _index(
        _account("p1", "Globex", owner_rep_id="rep-1"),
        _account("c1", "Globex Pharma", parent_account_id="p1"),
    )
    assert index.match_account(None, None, "Globex Pharma") is not None
    index.upsert(_account("p1", "Globex", owner_rep_id="rep-2"))
    found = index.match_account(None, None, "Globex Pharma")
    assert found is not None
    assert found[0].owner_rep_id == "rep-2"
