"""Who claims an index key (a domain or a company name), in the order they claimed it."""

# Almost every key has one claimant, so it is stored as the bare account id; a tuple appears
# only for the rare shared key.
Claims = str | tuple[str, ...]
# Index keys are the hash of the domain or compact name, not the string: an int costs half the
# memory of the string it stands for. Two different keys can share a hash, so a claimant only
# matches after its own record is checked to hold the key that was looked up.
Key = int


def claimants(claims: Claims) -> tuple[str, ...]:
    """The account ids behind a claim, first claimant first."""
    return (claims,) if isinstance(claims, str) else claims


def move_claims(
    index: dict[Key, Claims], account_id: str, old: tuple[Key, ...], new: tuple[Key, ...]
) -> None:
    """Drop the claims an account no longer makes and add its new ones; claims it keeps keep
    their place in line."""
    for key in old:
        if key not in new:
            _drop_claim(index, key, account_id)
    for key in new:
        if key not in old:
            _add_claim(index, key, account_id)


def _add_claim(index: dict[Key, Claims], key: Key, account_id: str) -> None:
    claims = index.get(key)
    if claims is None:
        index[key] = account_id
    elif isinstance(claims, str):
        if claims != account_id:
            index[key] = (claims, account_id)
    elif account_id not in claims:
        index[key] = (*claims, account_id)


def _drop_claim(index: dict[Key, Claims], key: Key, account_id: str) -> None:
    claims = index.get(key)
    if claims is None:
        return
    if isinstance(claims, str):
        if claims == account_id:
            del index[key]
        return
    remaining = tuple(claim for claim in claims if claim != account_id)
    index[key] = remaining[0] if len(remaining) == 1 else remaining
