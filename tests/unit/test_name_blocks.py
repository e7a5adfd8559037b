from service.name_blocks import BLOCK_SIZE, NameBlocks
from tests.unit.account_fixtures import account as _account
from tests.unit.account_fixtures import account_index as _index


def _names(count: int) -> dict[str, str]:
    return {f"id{n}": f"kan{n:06d}" for n in range(count)}


def test_filed_names_come_back_in_the_order_they_were_filed() -> None:
    blocks = NameBlocks()
    blocks.add("b", "kancode")
    blocks.add("a", "kandelaone")
    blocks.add("c", "globex")
    candidates = blocks.candidates("kancodd")
    assert candidates == (("b", "a"), ("kancode", "kandelaone"), False)
    assert blocks.candidates("globexx").account_ids == ("c",)
    assert blocks.candidates("zzzzzz") == ((), (), False)


def test_names_too_short_for_fuzzy_matching_are_not_filed() -> None:
    blocks = NameBlocks()
    blocks.add("h", "hooli")
    assert blocks.candidates("hoolii") == ((), (), False)


def test_a_discarded_name_leaves_its_block_and_an_empty_block_goes() -> None:
    blocks = NameBlocks()
    blocks.add("a", "kancode")
    blocks.add("b", "kandelaone")
    blocks.discard("a", "kancode", lambda account_id: "unused")
    assert blocks.candidates("kancode") == (("b",), ("kandelaone",), False)
    blocks.discard("b", "kandelaone", lambda account_id: "unused")
    blocks.discard("b", "kandelaone", lambda account_id: "unused")  # twice is harmless
    assert blocks._blocks == {}


def test_a_crowded_block_offers_no_candidates_until_it_is_small_again() -> None:
    names = _names(BLOCK_SIZE + 1)
    blocks = NameBlocks()
    for account_id, name in names.items():
        blocks.add(account_id, name)
    assert blocks.candidates("kan000001").crowded
    assert blocks.candidates("kan000001").account_ids == ()
    blocks.discard("id0", names["id0"], names.__getitem__)
    candidates = blocks.candidates("kan000001")
    assert not candidates.crowded
    assert candidates.account_ids == tuple(list(names)[1:])
    assert candidates.names == tuple(list(names.values())[1:])


def test_names_with_letters_beyond_ascii_survive_storage() -> None:
    blocks = NameBlocks()
    blocks.add("m", "münchenerrück")
    blocks.add("z", "münchenzwei")
    assert blocks.candidates("münchenerruck").names == ("münchenerrück", "münchenzwei")


def test_too_many_accounts_with_names_like_the_leads_means_no_fuzzy_guess() -> None:
    index = _index(*(_account(f"a{n}", f"Kan {n:06d} Systems") for n in range(BLOCK_SIZE + 1)))
    assert index.lookup(None, None, "Kan 000001 System").unmatched_reason == "ambiguous_name"
    index.remove("a0")
    match = index.match(None, None, "Kan 000001 System")
    assert match is not None
    assert (match.account_id, match.method) == ("a1", "fuzzy_name")


def test_a_renamed_account_is_fuzzy_matched_by_its_new_name_only() -> None:
    index = _index(_account("a1", "Initech Global"))
    index.upsert(_account("a1", "Initrode Global"))
    assert index.match(None, None, "Initech Globl") is None
    match = index.match(None, None, "Initrode Globl")
    assert match is not None
    assert match.account_id == "a1"
    index.remove("a1")
    assert index.match(None, None, "Initrode Globl") is None
