"""Jurisdictions and organisations: found by name, alias, reform rename or a variant of the name; filed when
a plan is published, or created by a reviewer or the office.

An imported draft names its units only (``Assignment.name``, the resolver's canonical name): it adds nothing to
the office's unit list. Publishing files them (:func:`file_units`): each name meets the organisation already on
file for it — by name, by an alias (a way a plan wrote it before), by a reform rename, or as a variant of the
same body (:func:`taizhang.resolve.variants.variant_key`: X镇 / X镇人民政府, 自然资源局 / 自然资源和规划局,
quote marks) — or a new organisation is made. Placeholders and groups (各区, 镇, 所在乡镇, 启东市各部门:
:func:`taizhang.resolve.variants.is_collective`) are filed as collective names, never a user's own unit.

A reviewer's choice of organisation for a surface form (``raw``) is remembered as an alias in the
jurisdiction, so the next plan that writes the unit the same way resolves to the same organisation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from taizhang.resolve import region_level
from taizhang.resolve.variants import is_collective, variant_key

from .. import audit
from .. import permissions as perm
from ..errors import ServiceError
from ..models import Assignment, Document, Jurisdiction, Organisation, OrganisationAlias, OrganisationRename

Kind = Organisation.Kind
GOVERNMENT_ENDINGS = ("人民政府", "管委会", "管理委员会", "办事处")

UNNAMED_REGION = "未注明地区"


def get_jurisdiction(name: str | None) -> Jurisdiction:
    """The jurisdiction of that name, created on first use (a plan without a region: 未注明地区)."""
    name = (name or "").strip() or UNNAMED_REGION
    existing = Jurisdiction.objects.filter(name=name).order_by("id").first()
    if existing:
        return existing
    # the resolver's levels are the model's
    level = (name != UNNAMED_REGION and region_level(name)) or Jurisdiction.Level.OTHER
    return Jurisdiction.objects.create(name=name, level=level)


def find_organisation(jurisdiction: Jurisdiction, *names: str) -> Organisation | None:
    """By canonical name, then alias, then a reform rename, within the jurisdiction."""
    names = tuple(n for n in names if n)
    org = Organisation.objects.filter(jurisdiction=jurisdiction, name__in=names).first()
    if org:
        return org
    alias = OrganisationAlias.objects.filter(jurisdiction=jurisdiction, alias__in=names).select_related(
        "organisation").first()
    if alias:
        return alias.organisation
    rename = OrganisationRename.objects.filter(organisation__jurisdiction=jurisdiction, old_name__in=names
                                               ).select_related("organisation").first()
    return rename.organisation if rename else None


def remember_alias(org: Organisation, alias: str, *, override: bool = False) -> bool:
    """Remember ``alias`` for ``org``; an existing alias is re-pointed only when a reviewer chose (override)."""
    alias = (alias or "").strip()
    if not alias or alias == org.name:
        return False
    existing = OrganisationAlias.objects.filter(jurisdiction=org.jurisdiction, alias=alias).first()
    if existing is None:
        OrganisationAlias.objects.create(jurisdiction=org.jurisdiction, alias=alias, organisation=org)
        return True
    if override and existing.organisation_id != org.pk:
        existing.organisation = org
        existing.save(update_fields=["organisation"])
        return True
    return False


def kind_of(name: str, region: str | None, generic: bool = False) -> str:
    """The kind a new organisation of that name gets: a collective name, a government, or a department."""
    if generic or is_collective(name, region=region):
        return Kind.GENERIC
    return Kind.GOVERNMENT if name.endswith(GOVERNMENT_ENDINGS) else Kind.DEPARTMENT


@dataclass
class OnFile:
    """The organisations of one jurisdiction, their aliases and reform renames, read once: what a plan's unit
    names meet when the plan is published (one query each, however many units)."""

    jurisdiction: Jurisdiction
    by_name: dict[str, Organisation] = field(default_factory=dict)
    by_variant: dict[str, Organisation] = field(default_factory=dict)

    @classmethod
    def load(cls, jurisdiction: Jurisdiction) -> OnFile:
        index = cls(jurisdiction)
        orgs = {o.pk: o for o in Organisation.objects.filter(jurisdiction=jurisdiction).order_by("id")}
        for org in orgs.values():
            index.add(org)
        for old, org_id in OrganisationRename.objects.filter(organisation__jurisdiction=jurisdiction).values_list(
                "old_name", "organisation_id"):
            index.by_name.setdefault(old, orgs[org_id])
        for alias, org_id in OrganisationAlias.objects.filter(jurisdiction=jurisdiction).values_list(
                "alias", "organisation_id"):
            index.by_name[alias] = orgs[org_id]  # an alias (a reviewer's choice) beats a rename
        for org in orgs.values():
            index.by_name[org.name] = org  # and a name beats both
        return index

    def add(self, org: Organisation) -> None:
        self.by_name[org.name] = org
        self.by_variant.setdefault(variant_key(org.name), org)

    def find(self, *names: str) -> Organisation | None:
        for n in names:
            if n and n in self.by_name:
                return self.by_name[n]
        for n in names:
            if n and variant_key(n) in self.by_variant:
                return self.by_variant[variant_key(n)]
        return None


@dataclass
class Later:
    """What filing units writes besides the organisations themselves — their audit events, the plan's wordings
    as aliases, reform renames — kept to be written together (:meth:`write`): a plan naming a hundred new units
    costs three statements for these, not a few hundred."""

    organisations: list[Organisation] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    aliases: list[OrganisationAlias] = field(default_factory=list)
    renames: list[OrganisationRename] = field(default_factory=list)

    def write(self, user) -> None:
        """Write what was kept: the new organisations first (their ids are filled in), then the rest."""
        Organisation.objects.bulk_create(self.organisations)
        # an alias is new to the jurisdiction (OnFile holds every alias on file); a concurrent publication
        # that filed the same wording first keeps its own
        OrganisationAlias.objects.bulk_create(self.aliases, ignore_conflicts=True)
        OrganisationRename.objects.bulk_create(self.renames)
        audit.record_many(self.events, actor=user)
        self.organisations, self.events, self.aliases, self.renames = [], [], [], []


def file_unit(index: OnFile, *, name: str, raw: str = "", renamed_from: str = "", generic: bool = False,
              user=None, why: str = "发布时登记", later: Later | None = None) -> Organisation:
    """The organisation of one named unit: the one on file (the plan's wording first: an alias a reviewer
    chose for it beats the resolver's name), else a new one. Remembers the wording as an alias and a reform's
    old name as a rename — written at once, or, with ``later``, when the caller writes them (:class:`Later`; until
    then a new organisation has no id)."""
    pending = later if later is not None else Later()
    name, raw = (name or raw).strip(), raw.strip()
    org = index.find(raw, name) if raw else index.find(name)
    if org is None:
        region = index.jurisdiction.name
        kind = kind_of(name, region, generic)
        org = Organisation(jurisdiction=index.jurisdiction, name=name, kind=kind, assignable=kind != Kind.GENERIC)
        pending.organisations.append(org)
        index.add(org)
        pending.events.append({"action": "organisation.create", "obj": org,
                               "data": {"name": name, "raw": raw, "why": why}})
    if raw and raw != org.name and raw not in index.by_name:
        pending.aliases.append(OrganisationAlias(jurisdiction=index.jurisdiction, alias=raw, organisation=org))
        index.by_name[raw] = org
    if renamed_from and renamed_from not in index.by_name:
        pending.renames.append(OrganisationRename(organisation=org, old_name=renamed_from))
        index.by_name[renamed_from] = org
    if later is None:
        pending.write(user)
    return org


def file_units(document: Document, user) -> dict[str, int]:
    """File the named units of a document's tasks as organisations (see the module's description), inside the
    caller's transaction. Two names of one task and role that meet one organisation leave one assignment.
    Returns counts: units filed, organisations created, duplicates dropped."""
    jurisdiction = Jurisdiction.objects.get(pk=document.jurisdiction_id)
    index = OnFile.load(jurisdiction)
    known = len({o.pk for o in index.by_name.values()})
    rows = list(Assignment.objects.filter(task__document_id=document.pk, organisation__isnull=True)
                .values_list("id", "task_id", "role", "name", "raw", "renamed_from", "generic"))
    taken = set(Assignment.objects.filter(task__document_id=document.pk, organisation__isnull=False)
                .values_list("task_id", "role", "organisation_id"))
    duplicates = []
    later = Later()
    chosen: dict[object, tuple[Organisation, list[int]]] = {}  # organisation → it, its assignments' ids
    for pk, task_id, role, name, raw, renamed_from, generic in sorted(rows):
        org = file_unit(index, name=name, raw=raw, renamed_from=renamed_from, generic=generic, user=user,
                        later=later)
        ref = org.pk if org.pk is not None else ("new", id(org))  # a new one has its id when later is written
        if (task_id, role, ref) in taken:
            duplicates.append(pk)
            continue
        taken.add((task_id, role, ref))
        chosen.setdefault(ref, (org, []))[1].append(pk)
    later.write(user)
    Assignment.objects.filter(pk__in=duplicates).delete()
    for org, ids in chosen.values():
        Assignment.objects.filter(pk__in=ids).update(organisation_id=org.pk)
    return {"filed": len(rows) - len(duplicates), "duplicates": len(duplicates),
            "created": len({o.pk for o in index.by_name.values()}) - known}


def unit_name(jurisdiction: Jurisdiction, typed: str) -> tuple[str, Organisation | None]:
    """What a reviewer typed for a unit: the organisation on file it names (by name, alias, rename or variant),
    else the resolver's canonical name of it in the jurisdiction (县环保局 → 桐溪县生态环境局) and None."""
    typed = typed.strip()
    org = OnFile.load(jurisdiction).find(typed)
    if org is not None:
        return org.name, org
    from taizhang.resolve import resolve_unit

    region = None if jurisdiction.name == UNNAMED_REGION else jurisdiction.name
    return (resolve_unit(typed, region=region).name or typed), None


def create_organisation(user, jurisdiction: Jurisdiction, name: str, *, kind: str = Kind.DEPARTMENT,
                        aliases: list[str] = ()) -> Organisation:
    perm.require_to("create_organisation", user)
    name = name.strip()
    if not name:
        raise ServiceError("单位名称不能为空")
    with transaction.atomic():
        if Organisation.objects.filter(jurisdiction=jurisdiction, name=name).exists():
            raise ServiceError(f"单位“{name}”已存在")
        org = Organisation.objects.create(jurisdiction=jurisdiction, name=name, kind=kind,
                                          assignable=kind != Kind.GENERIC and not is_collective(
                                              name, region=jurisdiction.name))
        for a in aliases:
            remember_alias(org, a)
        audit.record("organisation.create", org, actor=user, data={"name": name, "aliases": list(aliases)})
    return org
