"""The accounts view: every CRM account, findable by domain and by company name, kept compact."""

from collections.abc import Iterator
from typing import NamedTuple

from schemas.accounts import Account
from schemas.enrichment import AccountMatch, AccountUnmatchedReason, MatchMethod
from service.account_records import (
    AccountRecord,
    compact_name,
    dump_record,
    index_keys,
    load_record,
    to_record,
)
from service.claims import Claims, Key, claimants, move_claims
from service.company_names import company_name_keys, glued_legal_form_stems, pick_fuzzy_name
from service.domains import is_free_email_domain, normalize_domain, parent_domains
from service.name_blocks import NameBlocks

_FOUND_SIZE = 4096
# How far up a chain of parent accounts a lead of an ownerless subsidiary is routed (a cycle in
# the CRM's data stops there too).
_PARENT_HOPS = 4


class AccountLookup(NamedTuple):
    """What the index says about a lead: the match and the matched account, or why none."""

    match: AccountMatch | None
    account: Account | None
    unmatched_reason: AccountUnmatchedReason | None


_Found = tuple[str, AccountRecord, MatchMethod] | AccountUnmatchedReason
_METHODS: tuple[MatchMethod, MatchMethod] = ("email_domain", "website_domain")


class AccountIndex:
    """Every known account, indexed for lead-to-account matching; updated in place as the CRM
    publishes changes.

    Matching rules, in order (the first that finds an account decides):
      1. the lead's email domain, then each parent domain up to the registrable one
         (jane@eu.acme.com finds the account that owns acme.com);
      2. the lead's company website domain, the same way;
      3. the lead's company name, normalised and compared without spaces, hyphens, punctuation
         or legal forms (so "ACME, Inc.", "Kan-code" and "KanCode Ltd" find "Acme Inc" and
         "Kancode"); a name written exactly as an account's wins, and a name two differently
         written accounts share ("Kan Code", "Kancode") is ambiguous and matches neither;
      4. only when no account has the name: a fuzzy match ("Kancdoe"), accepted only when one
         account's name is clearly closer than any other's (see `pick_fuzzy_name`), among the
         accounts whose names start with the same three letters.
    Free and personal mail domains (gmail.com, yahoo.co.uk...) never match, neither on the lead's
    side nor when an account lists one. When several accounts claim the same domain or name, the
    account that claimed it first (in the order upserts arrived) wins, and keeps winning when it
    is updated; if it drops the claim or is removed, the next claimant in arrival order takes
    over. Replaying the same compacted topic therefore gives the same answers.

    A matched account without an owner of its own routes by its parent account's: the match
    then carries the parent's tier, owner, cover rep and team, and names the parent.

    Size: the view must hold a million accounts in one worker, so each account is stored as one
    marshalled bytes record (about a third of the memory of a tuple of Python objects), the
    domain and name indexes are keyed by hashes, and they point at the same account-id string
    as the record's key. The fuzzy blocks add a pointer per account and, in blocks of at most
    512 names, the compact name as UTF-8 bytes; a crowded block keeps no names and makes no
    fuzzy guess ("ambiguous_name"), so a fuzzy lookup compares at most 512 names.
    """

    __slots__ = ("_blocks", "_by_domain", "_by_name", "_found", "_records")

    def __init__(self) -> None:
        self._records: dict[str, bytes] = {}
        self._by_domain: dict[Key, Claims] = {}
        self._by_name: dict[Key, Claims] = {}
        self._blocks = NameBlocks()
        self._found: dict[tuple[str | None, str | None, str | None], AccountLookup] = {}

    def __len__(self) -> int:
        return len(self._records)

    def __contains__(self, account_id: object) -> bool:
        return account_id in self._records

    def upsert(self, account: Account) -> None:
        """Add an account or replace what is known about it; domains and names it no longer has
        stop matching it."""
        account_id = account.account_id
        record = to_record(account)
        previous = self._load(account_id)
        old_domains, old_names = index_keys(previous) if previous else ((), ())
        new_domains, new_names = index_keys(record)
        move_claims(self._by_domain, account_id, old_domains, new_domains)
        move_claims(self._by_name, account_id, old_names, new_names)
        old_compact = compact_name(previous)
        new_compact = compact_name(record)
        if old_compact != new_compact:
            if old_compact is not None:
                self._blocks.discard(account_id, old_compact, self._compact_name_of)
            if new_compact is not None:
                self._blocks.add(account_id, new_compact)
        self._records[account_id] = dump_record(record)
        if self._found:
            self._found.clear()

    def remove(self, account_id: str) -> bool:
        """Forget an account (the CRM deleted it); False if it was not known."""
        previous = self._load(account_id)
        if previous is None:
            return False
        domains, names = index_keys(previous)
        move_claims(self._by_domain, account_id, domains, ())
        move_claims(self._by_name, account_id, names, ())
        compact = compact_name(previous)
        if compact is not None:
            self._blocks.discard(account_id, compact, self._compact_name_of)
        del self._records[account_id]
        if self._found:
            self._found.clear()
        return True

    def get(self, account_id: str) -> Account | None:
        """The account as last upserted (domains normalised), or None if it is not known."""
        record = self._load(account_id)
        if record is None:
            return None
        return Account(account_id=account_id, **record._asdict())

    def match(
        self, email_domain: str | None, company_domain: str | None, company_name: str | None
    ) -> AccountMatch | None:
        """The account a lead belongs to, by email domain, then website domain, then company
        name (see the class description for the rules); None when nothing matches."""
        found = self._find(email_domain, company_domain, company_name)
        return None if isinstance(found, str) else self._account_match(*found)

    def lookup(
        self, email_domain: str | None, company_domain: str | None, company_name: str | None
    ) -> AccountLookup:
        """What `match` finds, with the matched account as `get` gives it, or why nothing
        matched: "no_company_data" (no usable domain or company name), "no_such_account",
        "ambiguous_name" (several accounts fit the name equally well, or too many accounts
        have names like it to tell) or "weak_name_match" (the closest name is not close enough).

        Remembered by the arguments until the index next changes (a lead's events ask the same
        question again and again), so repeated questions cost a dictionary lookup; the answer
        is always the one `match` and `get` give now. The memory is bounded: the oldest answer
        is forgotten first.
        """
        key = (email_domain, company_domain, company_name)
        remembered = self._found
        if key in remembered:
            return remembered[key]
        found = self._find(email_domain, company_domain, company_name)
        if isinstance(found, str):
            answer = AccountLookup(None, None, found)
        else:
            account_id, record, _ = found
            account = Account(account_id=account_id, **record._asdict())
            answer = AccountLookup(self._account_match(*found), account, None)
        if len(remembered) >= _FOUND_SIZE:
            del remembered[next(iter(remembered))]
        remembered[key] = answer
        return answer

    def match_account(
        self, email_domain: str | None, company_domain: str | None, company_name: str | None
    ) -> tuple[AccountMatch, Account] | None:
        """What `lookup` finds, as (match, account); None when nothing matches."""
        found = self.lookup(email_domain, company_domain, company_name)
        if found.match is None or found.account is None:
            return None
        return found.match, found.account

    def _find(
        self, email_domain: str | None, company_domain: str | None, company_name: str | None
    ) -> _Found:
        had_domain = False
        for method, value in zip(_METHODS, (email_domain, company_domain), strict=True):
            domain = normalize_domain(value)
            if domain is None or is_free_email_domain(domain):
                continue
            had_domain = True
            for candidate in parent_domains(domain):
                claims = self._by_domain.get(hash(candidate))
                if claims is None:
                    continue
                for account_id, record in self._claimants(claims):
                    if candidate in record.domains:
                        return account_id, record, method
        keys = company_name_keys(company_name)
        if keys is None:
            return "no_such_account" if had_domain else "no_company_data"
        found = self._find_by_name(keys.spaced, keys.compact, glued=None)
        for stem in glued_legal_form_stems(keys.compact) if found is None else ():
            found = self._find_by_name(keys.spaced, stem, glued=keys.compact)
            if found is not None:
                break
        return self._find_fuzzy(keys.compact) if found is None else found

    def _find_by_name(self, spaced: str, compact: str, glued: str | None) -> _Found | None:
        """The account holding the compact name (and, when `glued` is given, whose own name
        spells it with a legal form kept); an account written exactly as `spaced` first, then
        the first claimant, unless the holders write the name differently ("ambiguous_name")."""
        claims = self._by_name.get(hash(compact))
        holders = [
            (account_id, record, keys.spaced)
            for account_id, record in (self._claimants(claims) if claims is not None else ())
            if (keys := company_name_keys(record.name)) is not None
            and keys.compact == compact  # hashes can collide
            and (glued is None or glued in keys.glued)
        ]
        for account_id, record, holder_spaced in holders:
            if holder_spaced == spaced:
                return account_id, record, "company_name"
        if not holders:
            return None
        if len({holder_spaced for _, _, holder_spaced in holders}) > 1:
            return "ambiguous_name"
        return holders[0][0], holders[0][1], "company_name"

    def _find_fuzzy(self, compact: str) -> _Found:
        candidates = self._blocks.candidates(compact)
        if candidates.crowded:
            return "ambiguous_name"
        pick = pick_fuzzy_name(compact, candidates.names)
        if pick.reason is not None:
            return pick.reason
        picked = [
            (account_id, record)
            for account_id, record in self._claimants(
                tuple(candidates.account_ids[position] for position in pick.positions)
            )
        ]
        if len({company_name_keys(record.name) for _, record in picked}) > 1:
            return "ambiguous_name"
        account_id, record = picked[0]
        return account_id, record, "fuzzy_name"

    def _account_match(
        self, account_id: str, record: AccountRecord, method: MatchMethod
    ) -> AccountMatch:
        routing, via = record, None
        parent_id, seen = record.parent_account_id, {account_id}
        while record.owner_rep_id is None and parent_id is not None and parent_id not in seen:
            parent = self._load(parent_id)
            if parent is None or len(seen) > _PARENT_HOPS:
                break
            if parent.owner_rep_id is not None:
                routing, via = parent, parent_id
                break
            seen.add(parent_id)
            parent_id = parent.parent_account_id
        return AccountMatch(
            account_id=account_id,
            name=record.name,
            method=method,
            tier=routing.tier,
            customer_status=record.customer_status,
            owner_rep_id=routing.owner_rep_id,
            cover_rep_id=routing.cover_rep_id,
            account_team=routing.account_team,
            via_parent_account_id=via,
        )

    def _load(self, account_id: str) -> AccountRecord | None:
        data = self._records.get(account_id)
        return None if data is None else load_record(data)

    def _claimants(self, claims: Claims) -> Iterator[tuple[str, AccountRecord]]:
        for account_id in claimants(claims):
            record = self._load(account_id)
            if record is not None:  # always: the indexes only name stored accounts
                yield account_id, record

    def _compact_name_of(self, account_id: str) -> str:
        return compact_name(self._load(account_id)) or ""
