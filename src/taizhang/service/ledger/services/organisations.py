"""Jurisdictions and organisations: found by name, alias or reform rename; created at import or by a reviewer.

A reviewer's choice of organisation for a surface form (``raw``) is remembered as an alias in the
jurisdiction, so the next plan that writes the unit the same way resolves to the same organisation.
"""

from __future__ import annotations

import re

from django.db import transaction

from taizhang.resolve import region_level

from .. import audit
from .. import permissions as perm
from ..errors import ServiceError
from ..models import Jurisdiction, Organisation, OrganisationAlias, OrganisationRename

Kind = Organisation.Kind
GENERIC_RE = re.compile(r"^(各|相关|有关|所在|属地)")


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


def resolve_unit(jurisdiction: Jurisdiction, unit: dict, user) -> Organisation:
    """The organisation of a ledger unit (``raw``, ``name``, ``renamed_from``, ``generic``), created when new."""
    raw, name = (unit.get("raw") or "").strip(), (unit.get("name") or unit.get("raw") or "").strip()
    # The surface form first: a reviewer's earlier choice for it (an alias) beats the extractor's guess.
    org = (find_organisation(jurisdiction, raw) if raw else None) or find_organisation(jurisdiction, name)
    if org is None:
        kind = Kind.GENERIC if unit.get("generic") or GENERIC_RE.match(name) else (
            Kind.GOVERNMENT if name.endswith(("人民政府", "管委会", "管委会）")) else Kind.DEPARTMENT)
        org = Organisation.objects.create(jurisdiction=jurisdiction, name=name, kind=kind,
                                          assignable=kind != Kind.GENERIC)
        audit.record("organisation.create", org, actor=user, data={"name": name, "raw": raw, "why": "导入时新建"})
    if raw and raw != org.name:
        remember_alias(org, raw)
    renamed_from = unit.get("renamed_from")
    if renamed_from and not OrganisationRename.objects.filter(organisation=org, old_name=renamed_from).exists():
        OrganisationRename.objects.create(organisation=org, old_name=renamed_from)
    return org


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
                                          assignable=kind != Kind.GENERIC)
        for a in aliases:
            remember_alias(org, a)
        audit.record("organisation.create", org, actor=user, data={"name": name, "aliases": list(aliases)})
    return org
