"""Every way people write the demo accounts' names finds the right account, and a typo never
finds a wrong one. The variants are generated from service/data/demo_accounts.json."""

from pathlib import Path

import pytest
from pydantic import TypeAdapter

import service
from schemas.accounts import Account
from service.accounts import AccountIndex

DEMO = TypeAdapter(list[Account]).validate_json(
    (Path(service.__file__).parent / "data" / "demo_accounts.json").read_bytes()
)
# Published without domains, as the CRM export of the issue was: only names can match.
INDEX = AccountIndex()
for _account in DEMO:
    INDEX.upsert(_account.model_copy(update={"domains": ()}))

_LEGAL_FORMS = (
    " Ltd",
    " Ltd.",
    ", Inc.",
    " Inc",
    " LLC",
    " & Co",
    " & Co Ltd",
    " & Co. Ltd.",
    " and Company, Inc.",
    " GmbH",
    " GmbH & Co. KG",
    " S.A.",
    " Pvt. Ltd.",
    " Co., Ltd.",
    " PLC",
    " Corp.",
    " AG",
)


def _spellings(name: str) -> set[str]:
    """Hyphen, spacing, case and punctuation variants of a name."""
    words = name.split()
    return {
        name,
        name.upper(),
        name.lower(),
        f"  {name}  ",
        "  ".join(words),
        "-".join(words),
        " - ".join(words),
        "".join(words),
        "".join(word.capitalize() for word in words),
        ".".join(words),
        "_".join(words),
        f"{name}.",
        f'"{name}"',
        f"The {name}",
        name.replace("'", ""),
        name.replace("'", "\u2019"),
    }


def _variants(name: str) -> set[str]:
    spellings = _spellings(name)
    return spellings | {spelling + form for spelling in spellings for form in _LEGAL_FORMS}


def _typos(name: str) -> set[str]:
    """One letter dropped, doubled, swapped with the next or replaced, anywhere in the name."""
    typos: set[str] = set()
    for at in range(len(name)):
        typos.add(name[:at] + name[at + 1 :])
        typos.add(name[:at] + name[at] + name[at:])
        typos.add(name[:at] + name[at + 1 : at + 2] + name[at] + name[at + 2 :])
        typos.add(name[:at] + ("x" if name[at] != "x" else "y") + name[at + 1 :])
    return typos - {name}


@pytest.mark.parametrize("account", DEMO, ids=lambda account: account.name)
def test_every_variant_of_a_demo_accounts_name_finds_that_account(account: Account) -> None:
    variants = _variants(account.name)
    assert len(variants) > 100
    wrong = {}
    for variant in variants:
        match = INDEX.match(None, None, variant)
        if match is None or match.account_id != account.account_id:
            wrong[variant] = match.account_id if match is not None else None
    assert wrong == {}


@pytest.mark.parametrize("account", DEMO, ids=lambda account: account.name)
def test_a_typo_in_a_demo_accounts_name_never_finds_another_account(account: Account) -> None:
    for typo in _typos(account.name):
        match = INDEX.match(None, None, typo)
        assert match is None or match.account_id == account.account_id, typo


def test_most_single_letter_typos_of_longer_names_still_find_their_account() -> None:
    found = tried = 0
    for account in DEMO:
        if len(account.name) < 12:
            continue
        for typo in _typos(account.name):
            tried += 1
            match = INDEX.match(None, None, typo)
            found += match is not None and match.account_id == account.account_id
    assert tried > 1000
    assert found / tried > 0.6
