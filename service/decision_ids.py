"""Decision ids: the same lead qualification always gets the same id, so replays deduplicate."""

from hashlib import sha256

DECISION_ID_LENGTH = 24


def decision_id(identity: str, generation: int) -> str:
    """Name one routing decision: the lead's identity and its qualification generation.

    A replay after a crash reproduces the id, so consumers can drop the duplicate; a lead that
    becomes sales-ready again (a new generation) gets a new id. 24 hex characters (96 bits)
    keep collisions out of reach for any realistic number of leads.
    """
    digest = sha256(f"{identity}|{generation}".encode()).hexdigest()
    return digest[:DECISION_ID_LENGTH]


def escalation_decision_id(previous: str, step: int) -> str:
    """Name the decision an escalation step makes: the earlier decision and the step number, so
    a repeated escalation command reproduces the id."""
    digest = sha256(f"{previous}!esc{step}".encode()).hexdigest()
    return digest[:DECISION_ID_LENGTH]


# The longest ladder a ruleset may configure (`escalation.max_steps`).
MAX_ESCALATION_STEPS = 20


def decision_chain(identity: str, generation: int) -> tuple[str, ...]:
    """Every decision one qualification can be routed under: the first, then each re-route.

    Every clock reminds before it re-routes, so the k-th re-route is ladder step 2k and its id
    follows from the one before; feedback naming any of them is about this qualification.
    """
    ids = [decision_id(identity, generation)]
    for step in range(2, MAX_ESCALATION_STEPS + 1, 2):
        ids.append(escalation_decision_id(ids[-1], step))
    return tuple(ids)
