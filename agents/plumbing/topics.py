"""Every topic leadrouter reads or writes, named in one place (dotted and versioned)."""

from dataclasses import dataclass

LEAD_EVENTS = "leads.events.v1"
LEADS_KEYED = "leadrouter.leads.keyed.v1"
LEADS_QUALIFIED = "leadrouter.leads.qualified.v1"
DEAD_LETTER = "leads.deadletter.v1"
NURTURE = "leads.nurture.v1"
# Activity on leads sales already has, for their reps (LeadUpdate, keyed by lead identity).
SALES_UPDATES = "sales.updates.v1"
DECISIONS = "leads.decisions.v1"
FEEDBACK = "sales.feedback.v1"
ACCOUNTS = "crm.accounts.v1"
REPS = "crm.reps.v1"
RULES = "leadrouter.rules.v1"
# Labelled outcomes with the features their lead had when routed: one partition, so one
# trainer learns them in order, and an offset orders them for good.
MODEL_EXAMPLES = "leadrouter.model.examples.v1"
# The trainer's latest state (key `model`), followed by every worker.
MODEL = "leadrouter.model.v1"
MODEL_KEY = b"model"
# Leads nobody accepted in time: reminders and re-routes (`schemas.sla.SlaNotice`).
SLA = "leads.sla.v1"

COMPACTED = (ACCOUNTS, REPS, RULES, MODEL)
SINGLE_PARTITION = (MODEL_EXAMPLES,)
# The topics the stages consume: the only ones a dead letter can be replayed to.
INPUT_TOPICS = (LEAD_EVENTS, FEEDBACK, LEADS_KEYED, LEADS_QUALIFIED)
# Every fixed topic; queue topics come from the ruleset.
PIPELINE_TOPICS = (
    LEAD_EVENTS,
    LEADS_KEYED,
    LEADS_QUALIFIED,
    DEAD_LETTER,
    NURTURE,
    SALES_UPDATES,
    DECISIONS,
    FEEDBACK,
    MODEL_EXAMPLES,
    SLA,
    *COMPACTED,
)


# Faust tables; their changelog topics are `<app id>-<table>-changelog`.
PROFILES_TABLE = "lead-profiles"
QUEUE_STATES_TABLE = "queue-states"
LEDGER_TABLE = "assignment-ledger"
# What the profile stage sent for each recent event of a lead, so a replay re-sends it.
OUTBOX_TABLE = "lead-outbox"
# One SLA clock per routed decision, on the qualified partition of the decision id.
SLA_CLOCKS_TABLE = "sla-clocks"
TABLES = (PROFILES_TABLE, QUEUE_STATES_TABLE, LEDGER_TABLE, OUTBOX_TABLE, SLA_CLOCKS_TABLE)


def changelog_topic(app_id: str, table: str) -> str:
    return f"{app_id}-{table}-changelog"


def leader_topic(app_id: str) -> str:
    """Faust's one-partition topic whose owner is the group's leader (its `LeaderAssignor`)."""
    return f"{app_id}-__assignor-__leader"


def queue_topic(queue: str) -> str:
    """The topic a sales tool reads for one queue."""
    return f"sales.queue.{queue}.v1"


@dataclass(frozen=True, slots=True)
class TopicNames:
    """Topic names with the deployment's prefix applied."""

    prefix: str = ""

    def name(self, base: str) -> str:
        return f"{self.prefix}{base}"

    def queue(self, queue: str) -> str:
        return self.name(queue_topic(queue))
