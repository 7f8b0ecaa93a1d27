"""Commands of the ledger service: ``serve``, ``import``, ``monitoring-import``, ``remind``, ``backup``, ``restore``,
``audit-verify``.

Each command configures Django with :mod:`taizhang.service.settings` (``TAIZHANG_HOME``, ``DATABASE_URL``)
only when it runs, so the rest of the CLI never imports a web framework.
"""

from __future__ import annotations

import sys
from pathlib import Path

from taizhang.errors import TaizhangError


def _setup(migrate: bool = True):
    from taizhang.service import setup

    setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)


def _first_admin() -> str | None:
    """On an empty database: create the office admin account; return its one-time password."""
    from django.contrib.auth.models import User

    from taizhang.service.ledger.models import UserProfile
    from taizhang.service.ledger.services.users import new_password

    if User.objects.filter(is_superuser=True).exists():
        return None
    password = new_password(User(username="admin"))
    user = User.objects.create_superuser("admin", "", password)
    UserProfile.objects.create(user=user, role=UserProfile.Role.ADMIN)
    return password


def cmd_serve(args) -> int:
    _setup()
    from django.conf import settings

    password = _first_admin()
    if password:
        print("首次运行：已创建数据库和管理员账号（仅显示这一次，请妥善保存）：")
        print("  用户名：admin")
        print(f"  密码：{password}")
    print(f"数据目录：{settings.TAIZHANG_HOME}")
    print(f"台账服务已启动：http://{args.host}:{args.port}/  （按 Ctrl+C 停止）", flush=True)
    import waitress

    from taizhang.service.wsgi import application

    waitress.serve(application, host=args.host, port=args.port, threads=args.threads, ident="taizhang")
    return 0


def _user(username: str):
    from django.contrib.auth.models import User

    user = User.objects.filter(username=username).first()
    if user is None:
        raise TaizhangError(f"用户“{username}”不存在（先运行 taizhang serve 创建管理员，或在管理后台添加用户）")
    return user


def cmd_import(args) -> int:
    path = Path(args.file)
    if not path.is_file():
        raise TaizhangError("文件不存在", path=str(path))
    _setup()
    from taizhang.service.ledger import services

    doc = services.import_document(path, _user(args.user))
    tasks = doc.tasks.count()
    print(f"已导入《{doc.title or doc.original_name}》（文件编号 {doc.pk}）：任务 {tasks} 项，"
          f"目标指标 {doc.targets.count()} 项，状态：{doc.get_state_display()}。")
    return 0


def cmd_monitoring_import(args) -> int:
    path = Path(args.file)
    if not path.is_file():
        raise TaizhangError("文件不存在", path=str(path))
    _setup()
    from taizhang.service.ledger import services
    from taizhang.service.ledger.models import Jurisdiction

    name = args.jurisdiction.strip()
    found = list(Jurisdiction.objects.filter(name=name).select_related("parent"))
    if not found:
        known = "、".join(Jurisdiction.objects.order_by("name").values_list("name", flat=True)[:20]) or "无"
        raise TaizhangError(f"行政区“{name}”不存在（已有：{known}）；行政区随方案导入建立")
    if len(found) > 1:
        raise TaizhangError(f"有{len(found)}个名为“{name}”的行政区（上级分别为"
                            f"{'、'.join(j.parent.name if j.parent else '无' for j in found)}），请在管理后台改名以区分")
    ds = services.add_monitoring_dataset(path, _user(args.user), jurisdiction=found[0], kind=args.kind,
                                         note=args.note or "")
    for w in ds.warnings:
        print(f"{path}: 注意: {w}", file=sys.stderr)
    where = "站点" if ds.kind == "air" else "断面"
    print(f"已保存{ds.jurisdiction.name}{ds.get_kind_display()}（数据集编号 {ds.pk}）：{ds.period_start} 至 "
          f"{ds.period_end}，{len(ds.stations)} 个{where}（{'、'.join(ds.stations)}），{ds.records} 条记录。")
    return 0


def cmd_remind(args) -> int:
    _setup()
    from taizhang.service.ledger import lights
    from taizhang.service.ledger.notifiers import ConsoleNotifier, collect_notices, get_notifier

    today = lights.today_local()
    notices = collect_notices(today)
    notifier = ConsoleNotifier() if args.dry_run else get_notifier(args.notifier)
    sent = 0
    for notice in notices:
        if notifier.send(notice, today):
            sent += 1
        elif not args.dry_run:
            print(f"{notice.organisation.name}：没有通知地址，未发送", file=sys.stderr)
    verb = "将提醒（试运行，未发送）" if args.dry_run else f"已通过 {notifier.name} 发送"
    print(f"{verb}：{sent} 个单位（共 {len(notices)} 个单位有逾期或即将到期的任务）。")
    return 0


def cmd_backup(args) -> int:
    _setup()
    from taizhang.service.ledger.backup import backup

    manifest = backup(args.out)
    print(f"已备份到 {args.out}：数据库 + {len(manifest['files']) - 1} 个文件，审计记录 {manifest['audit_events']} 条。")
    return 0


def cmd_restore(args) -> int:
    if not Path(args.file).is_file():
        raise TaizhangError("备份文件不存在", path=args.file)
    _setup()
    from taizhang.service.ledger.backup import restore

    manifest = restore(args.file)
    print(f"已从 {args.file} 恢复（备份时间 {manifest['created']}），审计记录哈希链校验通过。")
    return 0


def cmd_audit_verify(args) -> int:
    _setup(migrate=False)
    from taizhang.service.ledger.audit import verify_chain

    report = verify_chain()
    if report.ok:
        print(f"审计记录完整：共 {report.count} 条，哈希链校验通过。")
        return 0
    print(f"审计记录被改动：第 {report.first_bad_seq} 条起哈希链断裂（{report.reason}）。")
    return 1


def register(sub) -> None:
    p = sub.add_parser("serve", help="启动台账服务（首次运行时建库并创建管理员账号）")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--threads", type=int, default=8)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("import", help="把方案文件导入台账服务（待审核）")
    p.add_argument("file")
    p.add_argument("--user", default="admin", help="以哪个用户的身份导入（默认 admin）")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("monitoring-import", help="把监测数据文件（空气小时数据或地表水监测数据）保存到台账服务，供目标核对")
    p.add_argument("file", help=".csv 或 .xlsx")
    p.add_argument("--jurisdiction", required=True, help="行政区名称（与方案的地区一致，如 桐溪县）")
    p.add_argument("--kind", choices=("air", "water"), default="air", help="air：空气质量小时数据（默认）；water：地表水")
    p.add_argument("--note", default="", help="备注，如“2015年基准年数据”")
    p.add_argument("--user", default="admin", help="以哪个用户的身份上传（默认 admin）")
    p.set_defaults(func=cmd_monitoring_import)

    p = sub.add_parser("remind", help="向责任单位发送逾期和即将到期提醒")
    p.add_argument("--dry-run", action="store_true", help="只显示将发送的提醒，不发送")
    p.add_argument("--notifier", default=None, help="console、email，或通知类的完整路径（默认取 TAIZHANG_NOTIFIER）")
    p.set_defaults(func=cmd_remind)

    p = sub.add_parser("backup", help="备份数据库和全部文件到一个 .zip")
    p.add_argument("out")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help="从备份恢复（替换当前数据库和文件）")
    p.add_argument("file")
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("audit-verify", help="校验审计记录的哈希链，报告第一条被改动的记录")
    p.set_defaults(func=cmd_audit_verify)
