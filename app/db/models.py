"""SQLAlchemy 2.x typed models. The schema itself is created by Alembic (migrations/)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (JSON, BigInteger, Boolean, Column, Date, DateTime, Float, ForeignKey, Index,
                        Integer, LargeBinary, PrimaryKeyConstraint, String, Table, Text,
                        UniqueConstraint, text)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from .rollup_sql import KEYS as ROLLUP_KEYS
from .rollup_sql import MEASURES


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class Unit(Base):
    __tablename__ = "units"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(16), default="department")


class Enterprise(Base):
    __tablename__ = "enterprises"
    id: Mapped[int] = mapped_column(primary_key=True)
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(20), index=True)
    town: Mapped[str | None] = mapped_column(String(50))
    red_list: Mapped[bool] = mapped_column(Boolean, default=False)
    red_list_category: Mapped[str | None] = mapped_column(String(20))


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    display_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprises.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class ApiToken(Base):
    """A bearer token (kind "api") or a browser session (kind "web"), stored as the SHA-256 of its
    secret. Deleting the row ends it at once, in every process (app/services/auth.py)."""
    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(8), default="api", server_default="api")
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime)


class LoginFailure(Base):
    """One failed login (issue 17): the throttle's shared count when no Redis is configured."""
    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_key_at", "key", "at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(DateTime)


class ProcessFile(Base):
    """One version of one designer file (BPMN, DMN or form schema), identified by content hash."""
    __tablename__ = "process_files"
    __table_args__ = (UniqueConstraint("filename", "content_hash"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_hash: Mapped[str] = mapped_column(String(64))
    content: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Deployment(Base):
    """A set of file versions deployed together; a case runs on exactly one deployment."""
    __tablename__ = "deployments"
    id: Mapped[int] = mapped_column(primary_key=True)
    bundle_hash: Mapped[str] = mapped_column(String(64), unique=True)
    manifest: Mapped[dict[str, Any]] = mapped_column(JSON)  # filename -> process_files.id
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # set when a designer deploys this same bundle again (e.g. reverts a change): new cases start
    # on the deployment with the highest coalesce(generation, id) — the one deployed last
    generation: Mapped[int | None] = mapped_column(Integer)
    # issue 19 §5: the policy check this bundle passed, or an admin's override of a failed one
    policy_check_id: Mapped[int | None] = mapped_column(Integer)
    policy_override_reason: Mapped[str | None] = mapped_column(Text)
    policy_override_by: Mapped[int | None] = mapped_column(Integer)


class KnowledgeArticle(Base):
    """A policy answer of the knowledge base that an agent can cite in a direct reply (P3)."""
    __tablename__ = "knowledge_articles"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200), unique=True)
    answer: Mapped[str] = mapped_column(Text)
    domain: Mapped[str | None] = mapped_column(String(50), index=True)
    tags: Mapped[str] = mapped_column(String(300), default="")  # comma-separated keywords
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class RoutingModel(Base):
    """P4: one trained version of the domain classifier; exactly one may be active."""
    __tablename__ = "routing_models"
    id: Mapped[int] = mapped_column(primary_key=True)              # the model version
    config: Mapped[str] = mapped_column(String(30))
    source: Mapped[str] = mapped_column(String(200))               # csv file name and/or "cases"
    n_samples: Mapped[int] = mapped_column(Integer)
    labels: Mapped[list[Any]] = mapped_column(JSON)
    threshold: Mapped[float] = mapped_column(Float)                # auto-dispatch confidence
    metrics: Mapped[dict[str, Any]] = mapped_column(JSON)          # cross-validated, on training data
    active: Mapped[bool] = mapped_column(Boolean, default=False)
    size_bytes: Mapped[int] = mapped_column(Integer)
    blob: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)   # tens of MB: read only to load
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[str | None] = mapped_column(String(64))


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (Index("ix_cases_status_created", "status", "created_at"),
                      Index("ix_cases_created_at", "created_at",  # P90 in a period, index-only
                            postgresql_include=["handling_seconds", "unit_id", "town", "kind",
                                                "domain", "channel", "red_list"]),
                      # P18 insight: the hour histogram of handling time, the local day (PG only).
                      Index("ix_cases_handling_hour", text("(handling_seconds / 3600)")),
                      # The exact P90 inside one bucket; index-only on PostgreSQL.
                      Index("ix_cases_handling_seconds", "handling_seconds",
                            postgresql_include=["created_at", "unit_id", "town", "kind", "domain",
                                                "channel", "red_list"]),
                      Index("ix_cases_local_day",
                            text("date_trunc('day'::text, created_at + '08:00:00'::interval)"))
                      .ddl_if(dialect="postgresql"))
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    status: Mapped[str] = mapped_column(String(24))
    current_step: Mapped[str | None] = mapped_column(String(200))
    channel: Mapped[str] = mapped_column(String(10))
    kind: Mapped[str] = mapped_column(String(10))
    domain: Mapped[str | None] = mapped_column(String(50))
    town: Mapped[str | None] = mapped_column(String(50))
    description: Mapped[str] = mapped_column(Text)
    contact_name: Mapped[str | None] = mapped_column(String(50))
    contact_phone: Mapped[str | None] = mapped_column(String(20))
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    suggested_unit_code: Mapped[str | None] = mapped_column(String(32))
    red_list: Mapped[bool] = mapped_column(Boolean, default=False)
    direct_reply: Mapped[str | None] = mapped_column(Text)
    kb_article_id: Mapped[int | None] = mapped_column(ForeignKey("knowledge_articles.id"))
    reply_result: Mapped[str | None] = mapped_column(String(10))
    reply_text: Mapped[str | None] = mapped_column(Text)
    rating: Mapped[str | None] = mapped_column(String(10))
    matter_class: Mapped[str] = mapped_column(String(12), default="general")
    overdue: Mapped[bool] = mapped_column(Boolean, default=False)
    dissatisfied_rounds: Mapped[int] = mapped_column(Integer, default=0)
    deployment_id: Mapped[int] = mapped_column(ForeignKey("deployments.id"))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # P4: the classifier's suggestion at intake (model version, confidence, top three).
    predicted_domain: Mapped[str | None] = mapped_column(String(50))
    domain_confidence: Mapped[float | None] = mapped_column(Float)
    domain_top3: Mapped[list[Any] | None] = mapped_column(JSON)
    routing_model_id: Mapped[int | None] = mapped_column(ForeignKey("routing_models.id"))
    auto_dispatched: Mapped[bool] = mapped_column(Boolean, default=False)
    # P18: facts kept current by every command, so that insight queries read one table.
    dispatched_at: Mapped[datetime | None] = mapped_column(DateTime)
    handling_seconds: Mapped[int | None] = mapped_column(Integer)       # closed_at - created_at
    response_on_time: Mapped[bool | None] = mapped_column(Boolean)      # None: no finished clock
    solution_on_time: Mapped[bool | None] = mapped_column(Boolean)
    resolution_on_time: Mapped[bool | None] = mapped_column(Boolean)
    returns_count: Mapped[int] = mapped_column(Integer, default=0)
    extensions_count: Mapped[int] = mapped_column(Integer, default=0)

    __mapper_args__ = {"version_id_col": version}


class WorkflowState(Base):
    """The serialized SpiffWorkflow state of a case (without the spec, which the deployment holds)."""
    __tablename__ = "workflow_states"
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    state: Mapped[str] = mapped_column(Text)


_READY = "status = 'ready'"
_READY_UNIT = "status = 'ready' AND role = 'unit'"


class HumanTask(Base):
    """Projection of the workflow's ready user tasks, for task lists and authorization."""
    __tablename__ = "human_tasks"
    __table_args__ = (
        Index("ix_human_tasks_role_status", "role", "status"),
        Index("ix_human_tasks_unit_status", "unit_id", "status"),
        Index("ix_human_tasks_assignee_status", "assignee_id", "status"),
        # The worklist (services/worklist.py): ready tasks per queue in list order (0050).
        *(Index(name, *columns, postgresql_where=text(where), sqlite_where=text(where))
          for name, columns, where in (
              ("ix_human_tasks_ready_unit", ("unit_id", "red_list", "created_at", "id"), _READY_UNIT),
              ("ix_human_tasks_ready_unit_due", ("unit_id", "red_list", "due_at", "id"), _READY_UNIT),
              ("ix_human_tasks_ready_role", ("role", "red_list", "created_at", "id"), _READY),
              ("ix_human_tasks_ready_role_due", ("role", "red_list", "due_at", "id"), _READY),
              ("ix_human_tasks_ready_enterprise", ("enterprise_id",), _READY))),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # SpiffWorkflow task id
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    spec_name: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(200))
    lane: Mapped[str | None] = mapped_column(String(50))
    role: Mapped[str | None] = mapped_column(String(20))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprises.id"))
    form: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(12), default="ready")
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    red_list: Mapped[bool] = mapped_column(Boolean, default=False)
    deadline_clock: Mapped[str | None] = mapped_column(String(12))
    due_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime)
    completed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class AuditEvent(Base):
    """P16: who did what, when, with the data before and after."""
    __tablename__ = "audit_events"
    # The unit ranking's returns read only the redispatch events.
    __table_args__ = (Index("ix_audit_events_redispatch", "case_id",
                            postgresql_where=text("action = 'redispatch'"),
                            sqlite_where=text("action = 'redispatch'")),)
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_name: Mapped[str | None] = mapped_column(String(100))
    actor_role: Mapped[str | None] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(40))
    task_id: Mapped[str | None] = mapped_column(String(36))
    task_name: Mapped[str | None] = mapped_column(String(200))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class OutboxMessage(Base):
    """Messages to send (SMS acknowledgements, notifications), written in the command's transaction."""
    __tablename__ = "outbox"
    # The sender's poll reads only unsent messages; a partial index keeps it O(pending), not O(history).
    __table_args__ = (Index("ix_outbox_pending", "id", postgresql_where=text("sent_at IS NULL"),
                            sqlite_where=text("sent_at IS NULL")),)
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    channel: Mapped[str] = mapped_column(String(10), default="sms")
    recipient: Mapped[str] = mapped_column(String(50))
    template: Mapped[str] = mapped_column(String(40))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)


class CaseCounter(Base):
    """Per-day sequence for human-readable case numbers."""
    __tablename__ = "case_counters"
    day: Mapped[str] = mapped_column(String(8), primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class SlaClock(Base):
    """P5–P8: one deadline of one handling round, with its outcome (the on-time rates come from here)."""
    __tablename__ = "sla_clocks"
    __table_args__ = (Index("ix_sla_clocks_outcome_due", "outcome", "due_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    clock: Mapped[str] = mapped_column(String(12))          # response | solution | resolution
    round: Mapped[int] = mapped_column(Integer, default=1)
    calendar: Mapped[str] = mapped_column(String(8))        # natural | working
    started_at: Mapped[datetime] = mapped_column(DateTime)
    warn_at: Mapped[datetime] = mapped_column(DateTime)
    due_at: Mapped[datetime] = mapped_column(DateTime)
    warned_at: Mapped[datetime | None] = mapped_column(DateTime)
    met_at: Mapped[datetime | None] = mapped_column(DateTime)
    violated_at: Mapped[datetime | None] = mapped_column(DateTime)
    outcome: Mapped[str] = mapped_column(String(10), default="running")  # running|met|violated|paused|cancelled
    extensions: Mapped[int] = mapped_column(Integer, default=0)


class Timer(Base):
    """Projection of the workflow's waiting timer events: what the workers fire, and when."""
    __tablename__ = "timers"
    __table_args__ = (Index("ix_timers_status_due", "status", "due_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    task_id: Mapped[str] = mapped_column(String(36), unique=True)   # SpiffWorkflow task id
    name: Mapped[str] = mapped_column(String(100))                  # BPMN element id
    due_at: Mapped[datetime] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(8), default="waiting")  # waiting|fired|dropped|faulted
    fired_at: Mapped[datetime | None] = mapped_column(DateTime)
    fault: Mapped[str | None] = mapped_column(Text)  # why it is "faulted" (a process error)


class SurgeAlert(Base):
    """P18: a (domain, town) or a unit whose recent count rose well above its baseline."""
    __tablename__ = "surge_alerts"
    __table_args__ = (UniqueConstraint("key", "day"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200))          # e.g. "domain_town:城乡建设:城关镇", "unit:rsj"
    day: Mapped[str] = mapped_column(String(8))            # YYYYMMDD of detection: one alert a day
    scope: Mapped[str] = mapped_column(String(12))         # domain_town | unit
    domain: Mapped[str | None] = mapped_column(String(50))
    town: Mapped[str | None] = mapped_column(String(50))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    window_start: Mapped[datetime] = mapped_column(DateTime)
    window_end: Mapped[datetime] = mapped_column(DateTime)
    observed: Mapped[int] = mapped_column(Integer)
    expected: Mapped[float] = mapped_column(Float)
    score: Mapped[float] = mapped_column(Float)            # e.g. Poisson tail probability
    detected_at: Mapped[datetime] = mapped_column(DateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime)
    acknowledged_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class RoutingAudit(Base):
    """P4: one automatically dispatched case drawn at random for a supervisor to check its domain
    (抽检); the judged ones estimate the live precision of their model version."""
    __tablename__ = "routing_audits"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    model_version: Mapped[int] = mapped_column(ForeignKey("routing_models.id"), index=True)
    drawn_at: Mapped[datetime] = mapped_column(DateTime)
    drawn_by: Mapped[str] = mapped_column(String(64))
    verdict: Mapped[str | None] = mapped_column(String(10))        # correct | wrong; None: to judge
    audited_domain: Mapped[str | None] = mapped_column(String(50))  # the right domain, as judged
    note: Mapped[str | None] = mapped_column(String(500))
    judged_at: Mapped[datetime | None] = mapped_column(DateTime)
    judged_by: Mapped[str | None] = mapped_column(String(64))


class ApiKey(Base):
    """A third-party application's key for the open API (Open311); it acts as `user_id`."""
    __tablename__ = "api_keys"
    id: Mapped[int] = mapped_column(primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime)


class IdempotencyKey(Base):
    """The first result of a request sent with an `Idempotency-Key` header, per user and key."""
    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("user_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    key: Mapped[str] = mapped_column(String(200))
    method: Mapped[str] = mapped_column(String(8))
    path: Mapped[str] = mapped_column(String(300))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    response_body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, index=True)


def _rollup_keys() -> list[Column]:
    """The key columns shared by the rollup tables (a Column belongs to one table: new ones)."""
    return [Column("grain", String(1), nullable=False), Column("period", Date, nullable=False),
            Column("unit_id", Integer, nullable=False), Column("town", String(50), nullable=False),
            Column("kind", String(10), nullable=False), Column("domain", String(50), nullable=False),
            Column("channel", String(10), nullable=False),
            Column("red_list", Boolean, nullable=False)]


# P18 insight rollup (migration 0007): counts per local day / month and dimensions, kept current
# by triggers on `cases`; columns from app/db/rollup_sql.py.
insight_rollup = Table(
    "insight_rollup", Base.metadata,
    *_rollup_keys(),
    *(Column(name, BigInteger if name == "handling_sum" else Integer, nullable=False,
             server_default="0") for name in MEASURES),
    PrimaryKeyConstraint(*ROLLUP_KEYS, name="pk_insight_rollup"),
)
# Accepted returns by the returning unit (`unit_id`) with the returned case's other keys.
insight_returns = Table(
    "insight_returns", Base.metadata,
    *_rollup_keys(),
    Column("returned", Integer, nullable=False, server_default="0"),
    PrimaryKeyConstraint(*ROLLUP_KEYS, name="pk_insight_returns"),
)
