"""``taizhang user add``, ``taizhang user list`` and ``taizhang user unlock``: accounts of the ledger service from the command line.

``user add`` makes an account with its role (and unit), through the same service as the office's 用户与单位
page, and prints its initial password once (as ``serve`` does for the first admin). Bad input (an unknown
role or unit, a taken username) is one clear line and exit status 2, nothing created.
"""

from __future__ import annotations

import difflib

from taizhang.errors import TaizhangError

# The command's role words: the office (指挥部办公室) is the model's ``admin`` role.
ROLE_WORDS = {"office": "admin", "admin": "admin", "reviewer": "reviewer", "liaison": "liaison",
              "leader": "leader", "inspector": "inspector"}
ROLE_HELP = "office（指挥部办公室管理员）、reviewer（审核员）、liaison（责任单位联络员）、leader（领导）、inspector（核查人员）"


def _role(word: str) -> str:
    role = ROLE_WORDS.get((word or "").strip().lower())
    if role is None:
        raise TaizhangError(f"未知的角色“{word}”，应为 {ROLE_HELP}")
    return role


def _unit(name: str, region: str | None):
    """The organisation named ``name`` (its name or an alias), in ``region`` when given."""
    from taizhang.service.ledger.models import Organisation

    name = name.strip()
    qs = Organisation.objects.select_related("jurisdiction")
    if region:
        qs = qs.filter(jurisdiction__name=region.strip())
    found = list(qs.filter(name=name)) or [a.organisation for a in _aliases(name, region)]
    if not found:
        names = list(qs.values_list("name", flat=True))
        close = difflib.get_close_matches(name, names, n=5, cutoff=0.5)
        hint = f"；相近的有：{'、'.join(close)}" if close else "；单位在方案发布时登记，可在“用户与单位”页面查看"
        where = f"（地区：{region}）" if region else ""
        raise TaizhangError(f"单位“{name}”不存在{where}{hint}")
    if len({o.pk for o in found}) > 1:
        regions = "、".join(sorted({o.jurisdiction.name for o in found}))
        raise TaizhangError(f"有多个名为“{name}”的单位（地区：{regions}），请用 --region 指定地区")
    return found[0]


def _aliases(name: str, region: str | None):
    from taizhang.service.ledger.models import OrganisationAlias

    qs = OrganisationAlias.objects.filter(alias=name).select_related("organisation__jurisdiction")
    return list(qs.filter(jurisdiction__name=region.strip()) if region else qs)


def cmd_user_add(args) -> int:
    from taizhang.cli.service import _setup

    role = _role(args.role)
    _setup()
    from taizhang.service.ledger import services

    unit = _unit(args.unit, args.region) if args.unit else None
    try:
        user, password = services.create_user(None, username=args.username, role=role, name=args.name or "",
                                              organisation=unit, phone=args.phone or "", email=args.email or "")
    except services.ServiceError as exc:
        raise TaizhangError(exc.message) from None
    label = user.profile.get_role_display()
    print("已创建用户（仅显示这一次，请妥善保存）：")
    print(f"  用户名：{user.username}")
    print(f"  角色：{label}" + (f"，所属单位：{unit.name}" if unit else ""))
    print(f"  密码：{password}")
    return 0


def cmd_user_list(args) -> int:
    from taizhang.cli.service import _setup

    _setup()
    from django.contrib.auth.models import User
    from tabulate import tabulate

    rows = []
    qs = User.objects.select_related("profile__organisation").order_by("username")
    if not args.all:
        qs = qs.filter(is_active=True)
    for u in qs:
        profile = getattr(u, "profile", None)
        role = "超级管理员" if u.is_superuser else (profile.get_role_display() if profile else "未分配角色")
        rows.append([u.username, u.first_name or "—", role,
                     profile.organisation.name if profile and profile.organisation else "—",
                     (profile.phone if profile else "") or "—", u.email or "—", "正常" if u.is_active else "已停用"])
    if not rows:
        print("没有用户（先运行 taizhang serve 创建管理员）。")
        return 0
    print(tabulate(rows, headers=["用户名", "姓名", "角色", "所属单位", "联系电话", "电子邮箱", "状态"],
                   tablefmt="simple", disable_numparse=True))
    print(f"共 {len(rows)} 个用户。")
    return 0


def cmd_user_unlock(args) -> int:
    """Lift a login lockout (too many wrong passwords): of an account, of an address, or both."""
    if not args.username and not args.address:
        raise TaizhangError("请指定用户名或 --address 网络地址")
    from taizhang.cli.service import _setup

    _setup()
    from django.contrib.auth.models import User

    from taizhang.service import logins
    from taizhang.service.ledger import services

    removed = 0
    if args.username:
        target = User.objects.filter(username=args.username).first()
        if target is None:
            raise TaizhangError(f"没有用户“{args.username}”")
        removed += services.unlock_user(None, target)
    if args.address:
        removed += logins.unlock(address=args.address)
    who = "、".join(x for x in (args.username and f"用户“{args.username}”", args.address and f"地址 {args.address}") if x)
    print(f"已解除{who}的登录锁定。" if removed else f"{who}没有被锁定。")
    return 0


def register(sub) -> None:
    p = sub.add_parser("user", help="管理台账服务的用户（新建、列出、解除登录锁定）")
    users = p.add_subparsers(dest="user_command", metavar="{add,list,unlock}")
    a = users.add_parser("add", help="新建用户并显示一次初始密码")
    a.add_argument("username", help="用户名（登录时使用）")
    a.add_argument("--role", required=True, metavar="ROLE", help=f"角色：{ROLE_HELP}")
    a.add_argument("--unit", help="所属单位名称（责任单位联络员必填）")
    a.add_argument("--region", help="单位所在地区（有同名单位时用于区分）")
    a.add_argument("--name", help="姓名")
    a.add_argument("--phone", help="联系电话")
    a.add_argument("--email", help="电子邮箱（接收提醒）")
    a.set_defaults(func=cmd_user_add)
    lst = users.add_parser("list", help="列出用户")
    lst.add_argument("--all", action="store_true", help="包括已停用的用户")
    lst.set_defaults(func=cmd_user_list)
    u = users.add_parser("unlock", help="解除因多次输错密码造成的登录锁定")
    u.add_argument("username", nargs="?", help="用户名")
    u.add_argument("--address", help="同时（或只）解除该网络地址的锁定，如 10.1.2.3")
    u.set_defaults(func=cmd_user_unlock)
    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])
