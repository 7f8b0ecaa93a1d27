"""待审批延期申请: the office's queue of deadline-change requests, decided from the list (the decisions go
through the task's own decision view, which comes back here); the decided ones below, newest first."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import render

from taizhang.service.ledger import permissions as perms
from taizhang.service.ledger.models import Assignment, DeadlineChangeRequest

from ..access import role_required
from ..queries import units_by_role

deadline_decider_required = role_required(perms.can_decide_deadline_change, "审批时限调整")


@deadline_decider_required
def deadline_queue(request):
    decided = request.GET.get("show") == "decided"
    qs = (DeadlineChangeRequest.objects.select_related("task__document", "deadline", "requested_by", "decided_by")
          .prefetch_related(Prefetch("task__assignments", queryset=Assignment.objects.select_related("organisation"))))
    if decided:
        qs = qs.exclude(state=DeadlineChangeRequest.State.PENDING).order_by("-decided_at", "-id")
    else:
        qs = qs.filter(state=DeadlineChangeRequest.State.PENDING).order_by("requested_at", "id")
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    rows = [{"req": r, "units": units_by_role(r.task)} for r in page]
    pending = DeadlineChangeRequest.objects.filter(state=DeadlineChangeRequest.State.PENDING).count()
    return render(request, "web/deadline_queue.html", {"rows": rows, "page": page, "decided": decided,
                                                       "pending": pending})
