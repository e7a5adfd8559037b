"""What a rep hears of a lead it already has: news at once, a burst as one update."""

from datetime import UTC, datetime, timedelta

from schemas.events import LeadEvent
from schemas.profiles import LeadProfile
from service.pipeline import evaluate_event
from service.updates import SalesUpdate, sales_update
from tests.unit.domain_fixtures import GLOBEX, KEY_ACCOUNT_VP, NOW, accounts, default_policy
from tests.unit.domain_fixtures import lead_event as make_event

POLICY = default_policy()
INDEX = accounts(GLOBEX)
START = datetime(2026, 11, 20, 10, tzinfo=UTC)


def at(event_id: str, activity: str, minutes: float) -> LeadEvent:
    event = make_event(event_id, KEY_ACCOUNT_VP, activity)
    return event.model_copy(update={"occurred_at": START + timedelta(minutes=minutes)})


def routed() -> LeadProfile:
    result = evaluate_event(
        None, at("r", "demo_request", 0), "email:vp", NOW, INDEX, POLICY, offset=0
    )
    assert result.outcome == "routed"
    return result.profile


def feed(events: list[LeadEvent]) -> list[SalesUpdate | None]:
    profile = routed()
    updates: list[SalesUpdate | None] = []
    for offset, event in enumerate(events, start=1):
        result = evaluate_event(profile, event, "email:vp", NOW, INDEX, POLICY, offset=offset)
        assert result.outcome == "already_routed"
        updates.append(result.update)
        profile = result.profile
    return updates


def test_a_burst_of_pricing_views_reaches_the_rep_as_one_update() -> None:
    updates = feed([at(f"p{n}", "pricing_page_view", n) for n in range(5)])

    assert [u is not None for u in updates] == [True, False, False, False, False]


def test_news_after_the_interval_is_sent_again_and_says_how_much_it_folds() -> None:
    updates = feed(
        [
            at("p1", "pricing_page_view", 1),
            at("v1", "page_view", 2),
            at("p2", "pricing_page_view", 30),
        ]
    )

    assert updates[0] is not None
    assert updates[1] is None
    later = updates[2]
    assert later is not None
    assert later.folded == 2
    assert any("earlier event" in change for change in later.changes)


def test_an_unsubscribe_is_never_held_back() -> None:
    updates = feed([at("p1", "pricing_page_view", 1), at("u1", "unsubscribe", 2)])

    assert updates[0] is not None
    assert updates[1] is not None


def test_plain_page_views_alone_never_ping_a_rep() -> None:
    assert feed([at(f"v{n}", "page_view", 20 * n) for n in range(3)]) == [None, None, None]


def test_the_update_says_how_the_score_moved_since_sales_last_heard() -> None:
    profile = routed()
    event = at("p1", "pricing_page_view", 1)
    score = evaluate_event(profile, event, "email:vp", NOW, INDEX, POLICY, offset=1).score
    assert score is not None
    heard = profile.sales_heard_total
    assert heard is not None
    assert heard != score.total

    update, kept = sales_update(profile, event, score)

    assert update is not None
    assert update.previous_total == heard
    assert f"score {heard} -> {score.total}" in update.changes
    assert kept["sales_heard_total"] == score.total
