"""The one way a record changes status: declared steps, checked on the locked row, audited.

An app declares each workflow once, in its ``constants.py``, as a table of steps. Every step says
where it goes from and to, what it is called (the button and the API action), who may take it and
whether the actor must differ from someone already on the record (maker ≠ checker)::

    CASE_WORKFLOW = Workflow(
        model="registration.HardshipCase", status=HardshipStatus, event_type=Event.HARDSHIP_STATUS_CHANGED,
        steps=[
            Step("review", INTAKE, STREET_REVIEWED, _("Confirm"), by=Staff(CLERK, levels=STREET),
                 not_by=("submitted_by",)),
            Step("approve", STREET_REVIEWED, APPROVED, _("Approve"), by=Staff(CLERK, levels=DISTRICT),
                 not_by=("submitted_by", PREVIOUS_ACTOR)),
        ])

``transition`` is the only writer of a status: it locks the row, finds the step from the current
status, checks the actor against the step on the locked row, runs the service's own check, then
writes the status change row and the audit event in the same transaction. ``available_moves``
reads the same table to decide which buttons a page shows and which actions the API lists, so a
rule is written once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from portal.audit import audit_record
from portal.models import StatusChange, User
from portal.scoping import OutOfScope, area_in_scope, scope_paths

# In ``Step.not_by``: whoever made the record's last status change (the maker of the previous step).
PREVIOUS_ACTOR = "previous actor"
# The annotation ``with_previous_actor`` adds, so lists decide moves without a query per row.
PREVIOUS_ACTOR_ANNOTATION = "previous_status_actor_id"
_MISSING = object()


def _resolve(obj: Any, path: str) -> Any:
    """``obj.a.b`` for ``path`` "a.b"; None as soon as a link is missing."""
    for name in path.split("."):
        if obj is None:
            return None
        obj = getattr(obj, name)
    return obj


def _resolve_id(obj: Any, path: str) -> Any:
    """The primary key at ``path`` ("employer.account"), read from the foreign key column when it
    can be, so no related row is loaded for the last link."""
    *head, last = path.split(".")
    holder = _resolve(obj, ".".join(head)) if head else obj
    if holder is None:
        return None
    if hasattr(holder, f"{last}_id"):
        return getattr(holder, f"{last}_id")
    value = getattr(holder, last, None)
    return getattr(value, "pk", value)


def _signed_in(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


# --- Who may take a step -----------------------------------------------------------------------


class Rule:
    """Who may take a step; rules combine with ``|`` (any of them)."""

    def allows(self, user: User | None, obj: models.Model) -> bool:  # pragma: no cover - abstract
        raise NotImplementedError

    def __or__(self, other: Rule) -> AnyOf:
        return AnyOf((*_rules(self), *_rules(other)))


def _rules(rule: Rule) -> tuple[Rule, ...]:
    return rule.rules if isinstance(rule, AnyOf) else (rule,)


@dataclass(frozen=True)
class AnyOf(Rule):
    rules: tuple[Rule, ...]

    def allows(self, user, obj) -> bool:
        return any(rule.allows(user, obj) for rule in self.rules)


@dataclass(frozen=True)
class Staff(Rule):
    """A staff member holding one of ``roles`` on an area that covers the record's area, through a
    grant at one of ``levels`` (any level when None). ``area`` names the record's attribute that
    holds the area to cover (a handover is decided by the receiving district: ``to_district``)."""

    roles: tuple[str, ...]
    levels: tuple[str, ...] | None = None
    area: str = "area"

    def __init__(self, roles: str | Iterable[str], levels: str | Iterable[str] | None = None, area: str = "area"):
        object.__setattr__(self, "roles", (roles,) if isinstance(roles, str) else tuple(roles))
        object.__setattr__(self, "levels", None if levels is None else
                           ((levels,) if isinstance(levels, str) else tuple(levels)))
        object.__setattr__(self, "area", area)

    def allows(self, user, obj) -> bool:
        return _signed_in(user) and area_in_scope(user, _resolve(obj, self.area), self.roles, self.levels)


@dataclass(frozen=True)
class Account(Rule):
    """The account the record belongs to: the user at ``path`` ("employer.account", "seeker.account")."""

    path: str

    def allows(self, user, obj) -> bool:
        return _signed_in(user) and _resolve_id(obj, self.path) == user.pk


@dataclass(frozen=True)
class System(Rule):
    """The portal itself, with no actor: the nightly tasks."""

    def allows(self, user, obj) -> bool:
        return user is None


SYSTEM = System()


# --- Steps and workflows -------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One edge of a workflow: from ``source`` (one status or several) to ``target``."""

    name: str
    source: frozenset[str]
    target: str
    label: str
    by: Rule
    not_by: tuple[str, ...] = ()
    # A condition on the record's own data that makes the step apply at all (of two approvals, the one
    # that sends a large amount on to the city): checked by ``available_moves`` and ``transition``.
    when: Callable[[models.Model], bool] | None = None

    def __init__(self, name: str, source: str | Iterable[str], target: str, label, *, by: Rule,
                 not_by: Iterable[str] = (), when: Callable[[models.Model], bool] | None = None):
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "source", frozenset([source] if isinstance(source, str) else source))
        object.__setattr__(self, "target", target)
        object.__setattr__(self, "label", label)
        object.__setattr__(self, "by", by)
        object.__setattr__(self, "not_by", tuple(not_by))
        object.__setattr__(self, "when", when)

    def applies(self, obj: models.Model) -> bool:
        return self.when is None or self.when(obj)

    def actor_allowed(self, user: User | None, obj: models.Model) -> bool:
        return self.by.allows(user, obj)

    def same_actor(self, user: User | None, obj: models.Model) -> str | None:
        """The first ``not_by`` entry that names ``user`` (maker ≠ checker), else None."""
        if user is None:
            return None
        for name in self.not_by:
            holder = previous_actor_id(obj) if name == PREVIOUS_ACTOR else _resolve_id(obj, name)
            if holder is not None and holder == user.pk:
                return name
        return None


@dataclass(frozen=True)
class Action:
    """Something done to a record in ``source`` statuses that keeps its status (an edit, a handover
    proposal, a membership change): declared beside the steps so buttons and services agree."""

    name: str
    source: frozenset[str]
    label: str
    by: Rule
    not_by: tuple[str, ...] = ()

    def __init__(self, name: str, source: str | Iterable[str], label, *, by: Rule, not_by: Iterable[str] = ()):
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "source", frozenset([source] if isinstance(source, str) else source))
        object.__setattr__(self, "label", label)
        object.__setattr__(self, "by", by)
        object.__setattr__(self, "not_by", tuple(not_by))

    actor_allowed = Step.actor_allowed
    same_actor = Step.same_actor


@dataclass
class Workflow:
    """The steps of one model's status field (and the actions that keep it), registered by the
    model's label."""

    model: str
    status: type[models.TextChoices]
    event_type: str
    steps: list[Step]
    actions: list[Action] = field(default_factory=list)
    status_field: str = "status"
    _by_edge: dict[tuple[str, str], Step] = field(init=False, repr=False)

    def __post_init__(self):
        names = {step.name for step in self.steps}
        for action in self.actions:
            if action.name in names:
                raise ValueError(f"{self.model}: action {action.name} has the name of a step")
            if not action.source <= set(self.status.values):
                raise ValueError(f"{self.model}: action {action.name} names an unknown status")
        self._by_edge = {}
        for step in self.steps:
            for source in step.source:
                edge = (source, step.target)
                if edge in self._by_edge:
                    raise ValueError(f"{self.model}: two steps from {source} to {step.target}")
                if source not in self.status.values or step.target not in self.status.values:
                    raise ValueError(f"{self.model}: step {step.name} names an unknown status")
                self._by_edge[edge] = step
        if self.model in _WORKFLOWS:
            raise ValueError(f"{self.model} already has a workflow")
        _WORKFLOWS[self.model] = self

    @property
    def transitions(self) -> dict[str, set[str]]:
        """Allowed moves as ``{from: {to, …}}`` (every status present)."""
        table: dict[str, set[str]] = {value: set() for value in self.status.values}
        for source, target in self._by_edge:
            table[source].add(target)
        return table

    def step(self, source: str, target: str) -> Step | None:
        return self._by_edge.get((source, target))

    def steps_from(self, source: str) -> list[Step]:
        return [step for step in self.steps if source in step.source]

    def named(self, name: str) -> list[Step]:
        return [step for step in self.steps if step.name == name]

    def action(self, name: str) -> Action:
        for action in self.actions:
            if action.name == name:
                return action
        raise KeyError(f"{self.model} has no action {name!r}")

    def label_of(self, value: str) -> str:
        return dict(self.status.choices).get(value, value)


_WORKFLOWS: dict[str, Workflow] = {}


def workflows() -> list[Workflow]:
    """Every declared workflow (apps declare theirs in ``constants.py``)."""
    return list(_WORKFLOWS.values())


def workflow_for(obj_or_model) -> Workflow:
    return _WORKFLOWS[obj_or_model._meta.label]


# --- Moves: what a user may do with a record now ----------------------------------------------


@dataclass(frozen=True)
class Move:
    name: str
    label: str
    target: str

    def __str__(self) -> str:
        return self.name


class Moves(dict):
    """The moves open to a user, by step name: ``moves.publish`` in a template, ``list(moves)`` in the API."""

    def names(self) -> list[str]:
        return list(self)


def available_moves(user: User | None, obj: models.Model, workflow: Workflow | None = None) -> Moves:
    """The steps ``user`` may take on ``obj`` from its current status, as ``transition`` would accept
    them (role, tier, own record, maker ≠ checker). Service checks of the data itself (a closing
    date in the past, a missing reason) are not moves' business: the service says why."""
    workflow = workflow or workflow_for(obj)
    current = getattr(obj, workflow.status_field)
    moves = Moves()
    for step in workflow.steps_from(current):
        if step.name in moves:
            continue
        if step.applies(obj) and step.actor_allowed(user, obj) and step.same_actor(user, obj) is None:
            moves[step.name] = Move(name=step.name, label=step.label, target=step.target)
    for action in workflow.actions:
        if current in action.source and action.actor_allowed(user, obj) and action.same_actor(user, obj) is None:
            moves[action.name] = Move(name=action.name, label=action.label, target=current)
    return moves


def previous_actor_id(obj: models.Model) -> int | None:
    """The account that made the record's last status change (None: none yet, or the system)."""
    annotated = getattr(obj, PREVIOUS_ACTOR_ANNOTATION, _MISSING)
    if annotated is not _MISSING:
        return annotated
    return (StatusChange.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
            .order_by("-changed_at", "-id").values_list("actor_id", flat=True).first())


def with_previous_actor(queryset: QuerySet) -> QuerySet:
    """Annotate each row with its last status change's actor, for lists that show moves."""
    label = queryset.model._meta.label_lower
    last = (StatusChange.objects.filter(object_type=label, object_id=models.functions.Cast(
        OuterRef("pk"), models.CharField())).order_by("-changed_at", "-id").values("actor_id")[:1])
    return queryset.annotate(**{PREVIOUS_ACTOR_ANNOTATION: Subquery(last)})


# --- Many records at once: the workbench's counters and queues ---------------------------------


def _staff_rules(rule: Rule) -> list[Staff]:
    return [r for r in _rules(rule) if isinstance(r, Staff)]


def takes_part(user: User | None, workflow: Workflow, steps: Iterable[str]) -> bool:
    """Does the user hold a grant any of the named steps admits (anywhere)? A counter of those
    steps is then the user's work, even at zero; otherwise it is not shown."""
    wanted = set(steps)
    return any(scope_paths(user, rule.roles, rule.levels)
               for step in workflow.steps if step.name in wanted for rule in _staff_rules(step.by))


def _not_same(user: User, name: str) -> Q:
    field = PREVIOUS_ACTOR_ANNOTATION if name == PREVIOUS_ACTOR else name.replace(".", "__")
    return Q(**{f"{field}__isnull": True}) | ~Q(**{field: user.pk})


def awaiting(queryset: QuerySet, *, user: User, workflow: Workflow, steps: Iterable[str]) -> QuerySet:
    """``queryset`` narrowed to the records on which ``user`` may now take one of the named steps.

    ``available_moves`` answers for one record in Python; a counter or a queue needs the same answer
    for many records in one query. This reads the same declared steps (their statuses, the staff
    rule's roles, grant levels and area attribute, and maker ≠ checker) as a ``Q``, so a counter
    never restates who may do what. Steps open only to the nightly tasks or to the record's own
    account count for no staff member.
    """
    wanted = set(steps)
    model = queryset.model
    condition = Q(pk__in=[])
    needs_previous = False
    for step in workflow.steps:
        if step.name not in wanted:
            continue
        for rule in _staff_rules(step.by):
            paths = scope_paths(user, rule.roles, rule.levels)
            if not paths:
                continue
            field = (model.scope_path_field if rule.area == "area" and hasattr(model, "scope_path_field")
                     else f"{rule.area.replace('.', '__')}__path")
            where = Q(pk__in=[])
            for path in paths:
                where |= Q(**{f"{field}__startswith": path})
            mine = Q(**{f"{workflow.status_field}__in": list(step.source)}) & where
            for name in step.not_by:
                mine &= _not_same(user, name)
                needs_previous = needs_previous or name == PREVIOUS_ACTOR
            condition |= mine
    if needs_previous:
        queryset = with_previous_actor(queryset)
    return queryset.filter(condition)


# --- The one writer ---------------------------------------------------------------------------


def _same_actor_error(step: Step | Action, workflow: Workflow, name: str) -> ValidationError:
    if name == PREVIOUS_ACTOR:
        message = _("You took the previous step on this record; “%(step)s” must be done by another staff member.")
    else:
        message = _("You entered this record yourself; “%(step)s” must be done by another staff member.")
    return ValidationError(message % {"step": step.label}, code="same_actor")


def transition(
    *,
    instance: models.Model,
    workflow: Workflow,
    to: str,
    actor: User | None,
    note: str = "",
    changes: Mapping[str, Any] | None = None,
    check: Callable[[models.Model], Mapping[str, Any] | None] | None = None,
    on_commit: Callable[[models.Model], None] | None = None,
) -> models.Model:
    """Move ``instance`` to status ``to`` and return the locked, updated row.

    In one transaction, on the row locked with SELECT … FOR UPDATE (two clerks acting at once are
    serialised; the second sees the first's result):

    1. an actor whom no step into ``to`` admits gets ``OutOfScope`` (404, as if the record were
       missing), whatever the status;
    2. no step from the current status to ``to`` (or its ``when`` does not hold for the row):
       ValidationError ``invalid_transition``;
    3. the step exists but is not this actor's (the street's step, tried by the district):
       ``OutOfScope``;
    4. maker ≠ checker: ValidationError ``same_actor``;
    5. ``check(row)``, the service's own conditions on the locked row (may raise ValidationError; may
       return further ``changes``, such as a record it made once the step was found open);
    6. the status and ``changes`` are saved, a StatusChange row and the audit event written, and
       ``on_commit(row)`` scheduled for after the commit.
    """
    model = type(instance)
    field_name = workflow.status_field
    changes = dict(changes or {})
    with transaction.atomic():
        row = model._default_manager.select_for_update(of=("self",)).get(pk=instance.pk)
        current = getattr(row, field_name)
        if not any(step.actor_allowed(actor, row) for step in workflow.steps if step.target == to):
            raise OutOfScope(_("Not found."))
        step = workflow.step(current, to)
        if step is None or not step.applies(row):
            raise ValidationError(_("This cannot be done now: the status is “%(current)s”.")
                                  % {"current": workflow.label_of(current)}, code="invalid_transition")
        if not step.actor_allowed(actor, row):
            raise OutOfScope(_("Not found."))
        same = step.same_actor(actor, row)
        if same is not None:
            raise _same_actor_error(step, workflow, same)
        if check is not None:
            changes.update(check(row) or {})
        old = {field_name: current, **{name: getattr(row, name) for name in changes}}
        setattr(row, field_name, to)
        for name, value in changes.items():
            setattr(row, name, value)
        row.save(update_fields=[field_name, *changes])
        StatusChange.objects.create(
            area=row.area, object_type=model._meta.label_lower, object_id=str(row.pk), from_status=current,
            to_status=to, actor=actor, note=note)
        setattr(row, PREVIOUS_ACTOR_ANNOTATION, actor.pk if actor is not None else None)
        audit_record(event_type=workflow.event_type, actor=actor, obj=row, old=old,
                     new={field_name: to, **changes, **({"note": note} if note else {})})
        if on_commit is not None:
            transaction.on_commit(lambda: on_commit(row))
    return row


def authorize(*, instance: models.Model, workflow: Workflow, action: str, actor: User | None,
              field: str | None = None, code: str = "invalid_transition") -> None:
    """Check an action that keeps the status, on a row the caller has locked: ``OutOfScope`` when
    it is not the actor's, ValidationError ``code`` (on ``field`` when given) in a status it does not
    apply to, ``same_actor`` for maker ≠ checker. The service then does the work in the same
    transaction."""
    declared = workflow.action(action)
    if not declared.actor_allowed(actor, instance):
        raise OutOfScope(_("Not found."))
    current = getattr(instance, workflow.status_field)
    if current not in declared.source:
        error = ValidationError(_("This cannot be done now: the status is “%(current)s”.")
                                % {"current": workflow.label_of(current)}, code=code)
        raise ValidationError({field: [error]}) if field else error
    same = declared.same_actor(actor, instance)
    if same is not None:
        raise _same_actor_error(declared, workflow, same)


def status_history(*, instance: models.Model, labels: Iterable[tuple[str, str]] | None = None) -> list[StatusChange]:
    """The status changes of ``instance``. Given the status choices as ``labels`` (by default those
    of the model's workflow), each change also carries ``from_label`` and ``to_label``."""
    history = list(StatusChange.objects.filter(object_type=type(instance)._meta.label_lower,
                                               object_id=str(instance.pk)).select_related("actor"))
    if labels is None and type(instance)._meta.label in _WORKFLOWS:
        labels = workflow_for(instance).status.choices
    if labels is not None:
        names = dict(labels)
        for change in history:
            change.from_label = names.get(change.from_status, change.from_status)
            change.to_label = names.get(change.to_status, change.to_status)
    return history
