"""The office's upkeep of the unit list: merging duplicates and marking collective names.

Imports create one organisation per way a plan writes a unit; the office merges the duplicates (X镇 / X镇人民政府,
a bureau before and after a reform, quote-mark variants) into the one it keeps. Everything that named a merged
unit moves to the kept one: the tasks' assignments, the users, the progress reports; its name and aliases
become the kept unit's aliases, so the next plan that writes it so resolves to the kept unit. The merge is one
audit event listing what moved.
"""

from __future__ import annotations

from django.db import transaction

from taizhang.resolve.variants import is_collective, variant_key

from .. import audit
from .. import permissions as perm
from ..errors import ServiceError
from ..models import (
    Assignment,
    Organisation,
    OrganisationAlias,
    OrganisationRename,
    ProgressReport,
    UserProfile,
)
from .organisations import remember_alias


def merge_organisations(user, keep: Organisation, others: list[Organisation], *, why: str = "") -> dict:
    """Merge ``others`` into ``keep`` (same jurisdiction); returns what moved (counts and task ids)."""
    perm.require_to("manage_units", user)
    others = [o for o in others if o.pk != keep.pk]
    if not others:
        raise ServiceError("请选择至少两个单位，并指定保留哪一个")
    foreign = [o.name for o in others if o.jurisdiction_id != keep.jurisdiction_id]
    if foreign:
        raise ServiceError(f"只能合并同一地区的单位：{'、'.join(foreign)}与“{keep.name}”不属于同一地区")
    moved = {"assignments": 0, "duplicates_dropped": 0, "users": 0, "reports": 0, "tasks": set()}
    with transaction.atomic():
        keep = Organisation.objects.select_for_update().get(pk=keep.pk)
        for other in others:
            other = Organisation.objects.select_for_update().get(pk=other.pk)
            mine = set(Assignment.objects.filter(organisation=keep).values_list("task_id", "role"))
            for a in Assignment.objects.filter(organisation=other).only("id", "task_id", "role"):
                moved["tasks"].add(a.task_id)
                if (a.task_id, a.role) in mine:  # both named on the task in the same role: one stays
                    a.delete()
                    moved["duplicates_dropped"] += 1
                else:
                    Assignment.objects.filter(pk=a.pk).update(organisation=keep)
                    mine.add((a.task_id, a.role))
                    moved["assignments"] += 1
            moved["users"] += UserProfile.objects.filter(organisation=other).update(organisation=keep)
            moved["reports"] += ProgressReport.objects.filter(organisation=other).update(organisation=keep)
            OrganisationAlias.objects.filter(organisation=other).update(organisation=keep)
            known = set(OrganisationRename.objects.filter(organisation=keep).values_list("old_name", flat=True))
            for r in OrganisationRename.objects.filter(organisation=other):
                if r.old_name in known:
                    r.delete()
                else:
                    OrganisationRename.objects.filter(pk=r.pk).update(organisation=keep)
            if not keep.email and other.email:
                keep.email = other.email
                keep.save(update_fields=["email"])
            name = other.name
            other.delete()
            remember_alias(keep, name, override=True)
        moved["tasks"] = sorted(moved["tasks"])
        audit.record("organisation.merge", keep, actor=user, data={
            "kept": keep.name, "merged": [o.name for o in others], **moved, "why": (why or "").strip()})
    return moved


def set_assignable(user, org: Organisation, assignable: bool, *, why: str = "") -> Organisation:
    """Mark a unit as a collective name (not a user's own unit) or as a real unit again. A collective name
    with users bound to it is refused: move the users to a real unit first."""
    perm.require_to("manage_units", user)
    with transaction.atomic():
        org = Organisation.objects.select_for_update().get(pk=org.pk)
        if org.assignable == assignable:
            return org
        if not assignable:
            names = list(UserProfile.objects.filter(organisation=org).values_list("user__username", flat=True)[:5])
            if names:
                raise ServiceError(f"“{org.name}”已有用户（{'、'.join(names)}）以它为所属单位，"
                                   "请先把这些用户改到具体单位，再标为集合称谓")
        org.assignable = assignable
        org.save(update_fields=["assignable"])
        audit.record("organisation.assignable", org, actor=user,
                     data={"name": org.name, "assignable": assignable, "why": (why or "").strip()})
    return org


def _key(name: str, region: str) -> str:
    """A unit's name as the lexicon resolves it in its region, reduced to what its variants share (quote marks,
    a town and its government, a bureau and its regional name: :func:`taizhang.resolve.variants.variant_key`)."""
    from taizhang.resolve import resolve_unit

    return variant_key(resolve_unit(name, region=region).name or name)


def duplicate_candidates(limit: int = 30) -> list[list[Organisation]]:
    """Groups of units of one region that are probably one (same name once resolved by the lexicon, quote
    marks and a town's 人民政府 set aside): suggestions for the office to merge, never merged by themselves."""
    groups: dict[tuple[int, str], list[Organisation]] = {}
    for org in Organisation.objects.select_related("jurisdiction").only("id", "name", "assignable",
                                                                        "jurisdiction__name").order_by("name"):
        groups.setdefault((org.jurisdiction_id, _key(org.name, org.jurisdiction.name)), []).append(org)
    return [g for g in groups.values() if len(g) > 1][:limit]


def collective_candidates(limit: int = 30) -> list[Organisation]:
    """Units still assignable whose names the lexicon reads as collective (各镇、相关部门…)."""
    out = []
    for org in (Organisation.objects.filter(assignable=True).select_related("jurisdiction")
                .only("id", "name", "jurisdiction__name").order_by("name")):
        if is_collective(org.name, region=org.jurisdiction.name):
            out.append(org)
            if len(out) >= limit:
                break
    return out
