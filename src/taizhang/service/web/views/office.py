"""用户与单位: the office admin's pages for user accounts (create, edit, reset a password, deactivate) and for
the unit list (merge duplicates, mark collective names). The Django admin stays for superusers."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from taizhang.service import logins
from taizhang.service.ledger import services
from taizhang.service.ledger.errors import ServiceError
from taizhang.service.ledger.models import Assignment, Organisation, UserProfile
from taizhang.service.ledger.services.units import collective_candidates, duplicate_candidates

from ..access import manager_required
from ..forms import UnitFilterForm, UnitMergeForm, UserFilterForm, UserForm
from .common import service_call


def _password_page(request, target: User, password: str, created: bool):
    """The one page that shows a password: rendered from the POST itself (never stored, never cached)."""
    resp = render(request, "web/office/password.html", {"target": target, "password": password, "created": created})
    resp["Cache-Control"] = "no-store"
    return resp


@manager_required
def users(request):
    form = UserFilterForm(request.GET or None)
    cd = form.cleaned_data if form.is_valid() else {}
    qs = User.objects.select_related("profile__organisation").order_by("-is_active", "username")
    if not cd.get("inactive"):
        qs = qs.filter(is_active=True)
    if cd.get("role") == "none":
        qs = qs.filter(profile__isnull=True, is_superuser=False)
    elif cd.get("role"):
        qs = qs.filter(profile__role=cd["role"])
    if cd.get("q"):
        q = cd["q"].strip()
        qs = qs.filter(Q(username__icontains=q) | Q(first_name__icontains=q) | Q(profile__phone__icontains=q)
                       | Q(profile__organisation__name__icontains=q))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "web/office/users.html", {"form": form, "page": page, "roles": UserProfile.Role})


@never_cache
@manager_required
def user_create(request):
    form = UserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            target, password = services.create_user(request.user, username=form.cleaned_data["username"],
                                                    **form.service_args())
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            return _password_page(request, target, password, created=True)
    return render(request, "web/office/user_form.html", {"form": form, "creating": True})


@never_cache
@manager_required
def user_edit(request, pk: int):
    target = get_object_or_404(User.objects.select_related("profile"), pk=pk)
    form = UserForm.for_user(target, request.POST or None)
    if request.method == "POST" and form.is_valid():
        with service_call(request, f"已保存用户“{target.username}”的信息。"):
            services.update_user(request.user, target, **form.service_args())
            return redirect("web:office_users")
    return render(request, "web/office/user_form.html", {"form": form, "creating": False, "target": target,
                                                         "login_failures": logins.failures(target.username),
                                                         "locked": logins.is_locked(target.username)})


@require_POST
@never_cache
@manager_required
def user_reset_password(request, pk: int):
    target = get_object_or_404(User, pk=pk)
    with service_call(request):
        password = services.reset_password(request.user, target)
        return _password_page(request, target, password, created=False)
    return redirect("web:office_user_edit", pk=pk)


@require_POST
@manager_required
def user_set_active(request, pk: int):
    target = get_object_or_404(User, pk=pk)
    active = request.POST.get("active") == "1"
    done = f"已{'启用' if active else '停用'}用户“{target.username}”。"
    with service_call(request, done):
        services.set_user_active(request.user, target, active)
    return redirect("web:office_user_edit", pk=pk)


@require_POST
@manager_required
def user_unlock(request, pk: int):
    target = get_object_or_404(User, pk=pk)
    with service_call(request):
        if services.unlock_user(request.user, target):
            messages.success(request, f"已解除用户“{target.username}”的登录锁定。")
        else:
            messages.info(request, f"用户“{target.username}”没有被锁定。")
    return redirect("web:office_user_edit", pk=pk)


@manager_required
def units(request):
    form = UnitFilterForm(request.GET or None)
    cd = form.cleaned_data if form.is_valid() else {}
    qs = Organisation.objects.select_related("jurisdiction").order_by("jurisdiction__name", "name")
    if cd.get("q"):
        q = cd["q"].strip()
        qs = qs.filter(Q(name__icontains=q) | Q(aliases__alias__icontains=q)).distinct()
    if cd.get("jurisdiction"):
        qs = qs.filter(jurisdiction=cd["jurisdiction"])
    if cd.get("kind"):
        qs = qs.filter(assignable=cd["kind"] == "assignable")
    page = Paginator(qs, 100).get_page(request.GET.get("page"))
    ids = [o.pk for o in page]
    tasks = dict(Assignment.objects.filter(organisation_id__in=ids).exclude(task__state="deleted")
                 .values("organisation_id").annotate(n=Count("task_id", distinct=True)).order_by()
                 .values_list("organisation_id", "n"))
    people = dict(UserProfile.objects.filter(organisation_id__in=ids).values("organisation_id")
                  .annotate(n=Count("id")).order_by().values_list("organisation_id", "n"))
    rows = [{"org": o, "tasks": tasks.get(o.pk, 0), "users": people.get(o.pk, 0)} for o in page]
    filtered = any(cd.get(k) for k in ("q", "jurisdiction", "kind"))
    ctx = {"form": form, "page": page, "rows": rows,
           "duplicates": [] if filtered else duplicate_candidates(),
           "collectives": [] if filtered else collective_candidates()}
    return render(request, "web/office/units.html", ctx)


@manager_required
def unit_merge(request):
    """GET: the units ticked on the list, to choose the one kept; POST: merge."""
    data = request.POST if request.method == "POST" else request.GET
    form = UnitMergeForm(data)
    if not form.is_valid():
        for e in form.non_field_errors() or [m for errs in form.errors.values() for m in errs]:
            messages.error(request, e)
        return redirect("web:office_units")
    chosen = sorted(form.cleaned_data["ids"], key=lambda o: (-len(o.name), o.name))
    if request.method == "POST" and form.cleaned_data.get("keep") is not None:
        keep = form.cleaned_data["keep"]
        others = [o for o in chosen if o.pk != keep.pk]
        with service_call(request, f"已将{'、'.join(o.name for o in others)}合并到“{keep.name}”。"):
            services.merge_organisations(request.user, keep, others, why=form.cleaned_data.get("why", ""))
            return redirect(reverse("web:office_units") + f"?q={keep.name}")
        return redirect("web:office_units")
    ids = [o.pk for o in chosen]
    tasks = dict(Assignment.objects.filter(organisation_id__in=ids).values("organisation_id")
                 .annotate(n=Count("id")).order_by().values_list("organisation_id", "n"))
    people = dict(UserProfile.objects.filter(organisation_id__in=ids).values("organisation_id")
                  .annotate(n=Count("id")).order_by().values_list("organisation_id", "n"))
    rows = [{"org": o, "tasks": tasks.get(o.pk, 0), "users": people.get(o.pk, 0)} for o in chosen]
    return render(request, "web/office/unit_merge.html", {"rows": rows, "keep": chosen[0]})


@require_POST
@manager_required
def unit_assignable(request, pk: int):
    org = get_object_or_404(Organisation, pk=pk)
    assignable = request.POST.get("assignable") == "1"
    done = f"已将“{org.name}”标为{'具体单位' if assignable else '集合称谓（不能作为用户的所属单位）'}。"
    with service_call(request, done):
        services.set_assignable(request.user, org, assignable)
    nxt = request.POST.get("next", "")
    return redirect(nxt if nxt.startswith("/office/") else reverse("web:office_units"))
