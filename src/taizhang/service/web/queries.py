"""The queries behind the ledger table (the dashboard's: :mod:`.dashboard_stats`), written to stay fast at 100k
tasks / 1M reports:
filters on indexed columns, unit filters as EXISTS sub-queries, aggregates in one GROUP BY each, related
rows of a page fetched in one query (no N+1), lights from :func:`lights.annotate_lights` / :func:`lights.light_q`.
"""

from __future__ import annotations

from datetime import date

from django import forms
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe

from taizhang.service.ledger import lights, search, services
from taizhang.service.ledger.models import Assignment, Document, Light, Organisation, Task

from .forms import DateField
from .markup import select_html

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

ROLE_CHOICES = [("", "全部角色"), *Assignment.Role.choices]
LIGHT_CHOICES = [("", "全部灯色"), *Light.choices]
STATE_CHOICES = [("", "全部状态"), *((v, label) for v, label in Task.State.choices if v != Task.State.DELETED)]
SORTS = {
    "number": ("document_id", "position", "id"),
    "due": ("due_date", "id"),
    "state": ("state", "id"),
    "light": ("due_date", "id"),  # within each light: see TieredTasks
    "percent": ("last_percent", "id"),
    "document": ("document__title", "position", "id"),
    "reported": ("last_reported_at", "id"),
}


class LedgerFilterForm(forms.Form):
    q = forms.CharField(label="关键词", required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": "任务内容、序号"}))
    document = forms.ModelChoiceField(label="文件", required=False, queryset=Document.objects.none(),
                                      empty_label="全部文件")
    unit = forms.ModelChoiceField(label="单位", required=False, queryset=Organisation.objects.none(),
                                  empty_label="全部单位")
    role = forms.ChoiceField(label="角色", required=False, choices=ROLE_CHOICES)
    light = forms.ChoiceField(label="灯色", required=False, choices=LIGHT_CHOICES)
    state = forms.ChoiceField(label="状态", required=False, choices=STATE_CHOICES)
    due_from = DateField(label="时限自", required=False, widget=DATE_INPUT)
    due_to = DateField(label="时限至", required=False, widget=DATE_INPUT)
    sort = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, data=None, *, user=None):
        super().__init__(data)
        self.fields["document"].queryset = (services.visible_documents(user).order_by("-imported_at")
                                            .only("id", "title", "original_name"))
        self.fields["unit"].queryset = Organisation.objects.only("id", "name").order_by("name")


def filtered_tasks(form: LedgerFilterForm, user, today: date | None = None):
    """The ledger queryset for a bound, validated filter form (lights annotated, sorted)."""
    today = today or lights.today_local()
    window = lights.warning_days()
    qs = services.visible_tasks(user)
    cd = form.cleaned_data if form.is_valid() else {}
    if cd.get("document"):
        qs = qs.filter(document=cd["document"])
    unit, role = cd.get("unit"), cd.get("role")
    if unit or role:
        # IN (sub-query) rather than a correlated EXISTS: both databases then start from the assignment index
        sub = Assignment.objects.all()
        if unit:
            sub = sub.filter(organisation=unit)
        if role:
            sub = sub.filter(role=role)
        qs = qs.filter(pk__in=fenced(sub.values("task_id")))
    if cd.get("state"):
        qs = qs.filter(state=cd["state"])
    if cd.get("light"):
        qs = qs.filter(lights.light_q(cd["light"], today, window))
    if cd.get("due_from"):
        qs = qs.filter(due_date__gte=cd["due_from"])
    if cd.get("due_to"):
        qs = qs.filter(due_date__lte=cd["due_to"])
    if cd.get("q"):
        qs = qs.filter(search.keyword_q(cd["q"]))
    qs = lights.annotate_lights(qs, today, window)
    key = (cd.get("sort") or "number").lstrip("-")
    desc = (cd.get("sort") or "").startswith("-")
    order = SORTS.get(key, SORTS["number"])
    if key == "light":
        return TieredTasks.by_light(qs, today, window, desc)
    if key == "due":  # tasks without a deadline last, whichever the direction
        return TieredTasks.dated_then_undated(qs, today, desc, not_red=cd.get("light") in ("yellow", "green"))
    return qs.order_by(*[("-" + f if desc else f) for f in order])


class TieredTasks:
    """A task list sorted by light (红 → 黄 → 绿 → 已销号 → 未纳入监管), then by deadline, served as consecutive
    querysets, one per light, each ordered by (due_date, id) from an index. ORDER BY a light computed in a CASE
    would compute and sort every row of the filter for each page; here a page reads only the tiers it spans,
    with bounded counts. Supports what the ledger needs of a queryset: slicing, bounded counting,
    ``prefetch_related``, ``len`` of a slice."""

    ordered = True

    def __init__(self, tiers: list):
        self.tiers = tiers

    @staticmethod
    def _by_deadline(desc: bool) -> tuple[str, str]:
        return ("-due_date", "-id") if desc else ("due_date", "id")

    @classmethod
    def by_light(cls, qs, today: date, window: int, desc: bool = False) -> TieredTasks:
        """红, 黄, 绿, 已销号, then the tasks without a light; within each, by deadline, those without one last
        (the not-red lights' dated tasks from today on: a range of the deadline index)."""
        groups = [[qs.filter(lights.light_q("red", today, window)).order_by(*cls._by_deadline(desc))]]
        for which in ("yellow", "green", "done"):
            groups.append(cls.dated_then_undated(qs.filter(lights.light_q(which, today, window)), today, desc,
                                                 not_red=which != "done").tiers)
        groups.append(cls.dated_then_undated(qs.filter(~Q(state__in=(*lights.SUPERVISED, "closed"))), today,
                                             desc).tiers)  # no light: drafts
        return cls([tier for group in (groups[::-1] if desc else groups) for tier in group])

    @classmethod
    def dated_then_undated(cls, qs, today: date, desc: bool = False, *, not_red: bool = False) -> TieredTasks:
        """Tasks by deadline, those without one last (in either direction), as two tiers: the dated ones (an
        index range) and the undated ones (by id). ``not_red``: the tasks are known not to be overdue (yellow or
        green), so the dated tier is deadlines from today on — their condition "due today or later, or no
        deadline" is an OR no index range can bound, and a planner may otherwise walk the deadline index from
        its start past every red task."""
        dated = qs.filter(due_date__gte=today) if not_red else qs.filter(due_date__isnull=False)
        undated = qs.filter(due_date__isnull=True).order_by("-id" if desc else "id")
        return cls([dated.order_by(*cls._by_deadline(desc)), undated])

    def prefetch_related(self, *lookups) -> TieredTasks:
        return TieredTasks([t.prefetch_related(*lookups) for t in self.tiers])

    def capped_count(self, cap: int) -> int:
        n = 0
        for t in self.tiers:
            if n > cap:
                break
            n += t.order_by()[:cap + 1 - n].count()
        return n

    def count(self) -> int:
        return sum(t.count() for t in self.tiers)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item):
        if isinstance(item, int):
            return self[item:item + 1][0]
        start, stop = item.start or 0, item.stop
        if item.step not in (None, 1) or start < 0 or (stop is not None and stop < 0):
            raise ValueError("TieredTasks supports forward slices only")
        out: list = []
        skip = start
        for t in self.tiers:
            want = None if stop is None else stop - start - len(out)
            if want is not None and want <= 0:
                break
            if skip:
                # rows of this tier before the slice: counted only as far as needed
                n = t.order_by()[:skip + 1].count()
                if n <= skip:
                    skip -= n
                    continue
            end = None if want is None else skip + want
            out.extend(t[skip:end])
            skip = 0
        return out


def fenced(subquery):
    """A sub-query for ``__in`` that PostgreSQL plans on its own (OFFSET 0 keeps it from being flattened into a
    join): a unit's task ids are read from the assignment index once, instead of probing the index for every task
    along the ledger's order. SQLite plans ``IN (SELECT …)`` that way already."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return subquery
    sql, params = subquery.query.sql_with_params()
    return RawSQL(f"{sql} OFFSET 0", params)


def with_documents(tasks):
    """Fetch the documents of the tasks (the fields a ledger row shows) in one more query. Prefetched rather
    than joined, so the task query keeps its own plan (a join can make the planner scan documents first and
    sort everything)."""
    return tasks.prefetch_related(Prefetch("document", queryset=Document.objects.only(
        "id", "title", "original_name", "doc_number", "issuer", "issue_date", "region", "sha256", "state",
        "published_at")))


def with_page_relations(tasks):
    """Fetch the documents and the assignments (with their organisations) of a page of tasks in two more
    queries."""
    return with_documents(tasks).prefetch_related(
        Prefetch("assignments", queryset=Assignment.objects.select_related("organisation").order_by("id")))


def attach_units(tasks, chunk: int = 1000) -> list:
    """The units of a list of tasks by role, fetched as (task, role, name) tuples in one query per ``chunk``
    tasks (no model instances: the ledger page's rows are built from names only), set as ``task.unit_names``
    for :func:`units_by_role`."""
    tasks = list(tasks)
    by_id = {t.pk: t for t in tasks}
    for t in tasks:
        t.unit_names = {"lead": [], "support": [], "territorial": []}
    ids = list(by_id)
    for i in range(0, len(ids), chunk):
        for tid, role, name in (Assignment.objects.filter(task_id__in=ids[i:i + chunk]).order_by("id")
                                .values_list("task_id", "role", Coalesce("organisation__name", "name"))):
            by_id[tid].unit_names.setdefault(role, []).append(name)
    return tasks


def units_by_role(task) -> dict[str, list[str]]:
    if hasattr(task, "unit_names"):
        return task.unit_names
    out: dict[str, list[str]] = {"lead": [], "support": [], "territorial": []}
    for a in task.assignments.all():
        out.setdefault(a.role, []).append(a.unit_name)
    return out


def filter_selects(form: LedgerFilterForm) -> tuple[dict[str, str], dict[int, str]]:
    """The filter form's <select> elements built in Python (Django's widget templates render one template per
    <option>, tens of milliseconds with a long organisation list), and the documents' titles by id."""
    data = form.data if form.is_bound else {}
    titles = {pk: title or name for pk, title, name in
              form.fields["document"].queryset.values_list("pk", "title", "original_name")}
    docs = [("", "全部文件"), *titles.items()]
    units = [("", "全部单位"), *form.fields["unit"].queryset.values_list("pk", "name")]
    out = {}
    for name, choices in (("document", docs), ("unit", units), ("role", ROLE_CHOICES), ("light", LIGHT_CHOICES),
                          ("state", STATE_CHOICES)):
        out[name] = mark_safe(select_html(name, choices, data.get(name)))
    return out, titles


COUNT_CAP = 10000


class CappedPaginator(Paginator):
    """Django's Paginator with a bounded count: at most ``COUNT_CAP + 1`` rows are counted (COUNT over a
    LIMITed sub-query without ORDER BY), so a broad filter never counts the whole ledger; the page then shows
    "10000+" and pages up to the cap."""

    capped = False

    @cached_property
    def count(self) -> int:
        if isinstance(self.object_list, TieredTasks):
            n = self.object_list.capped_count(COUNT_CAP)
        else:
            n = self.object_list.order_by()[:COUNT_CAP + 1].count()
        self.capped = n > COUNT_CAP
        return min(n, COUNT_CAP)

