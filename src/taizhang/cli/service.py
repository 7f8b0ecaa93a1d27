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
    """Configure Django; finish or roll back a restore that was interrupted (:func:`backup.recover`); with
    ``migrate``, bring the database schema up to date and close an older version's unkeyed audit chain."""
    from taizhang.service import setup

    setup()
    from taizhang.service.ledger import backup

    backup.recover()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
        from taizhang.service.ledger import audit

        if audit.rekey_legacy():
            print("审计链已从旧格式转换为加密钥格式（一次性，已记入审计记录）。", file=sys.stderr)


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
    out = args.out_option or args.out
    if not out or (args.out_option and args.out):
        raise TaizhangError("请给出一个备份文件路径（taizhang backup 备份.zip，或 -o 备份.zip）")
    _setup()
    from taizhang.service.ledger.backup import backup

    manifest = backup(out)
    anchor = manifest["audit_anchor"]
    print(f"已备份到 {out}（仅本账号可读）：数据库 + {len(manifest['files']) - 1} 个文件，"
          f"审计记录 {manifest['audit_events']} 条；{audit_line(anchor)}。")
    return 0


def audit_line(anchor: dict) -> str:
    from taizhang.service.ledger.audit import anchor_line

    return anchor_line(anchor["events"], anchor["head"])


def cmd_restore(args) -> int:
    if not Path(args.file).is_file():
        raise TaizhangError("备份文件不存在", path=args.file)
    _setup()
    from taizhang.service.ledger.backup import restore

    manifest = restore(args.file)
    old = "（旧版本的备份，没有审计链锚点）" if manifest["format"] != "taizhang.backup/2" else ""
    print(f"已从 {args.file} 恢复（备份时间 {manifest['created']}）：数据库 + {len(manifest['files']) - 1} 个文件，"
          f"审计记录 {manifest['audit_events']} 条，用审计密钥校验通过{old}。")
    missing = manifest.get("missing_files") or []
    if missing:
        print(f"注意：数据库记有而备份中没有的文件 {len(missing)} 个（备份前已丢失），如 {missing[0]}。",
              file=sys.stderr)
    return 0


def _parse_anchor(text: str) -> dict:
    """``条数:摘要`` as printed in a report (审计链：共 N 条，末条摘要 xxxx) → an anchor without MAC."""
    import re

    m = re.fullmatch(r"\s*(\d+)\s*[:：]\s*([0-9a-fA-F]{16,64})\s*", text)
    if not m:
        raise TaizhangError(f"锚点“{text}”格式不对：应为 条数:摘要（至少 16 位十六进制），如 120:3fa9c2d41b7e8a05")
    return {"events": int(m.group(1)), "head": m.group(2).lower()}


def cmd_audit_verify(args) -> int:
    extra = [_parse_anchor(a) for a in args.anchor or []]
    _setup(migrate=False)
    from taizhang.service.ledger import audit

    if args.rekey and audit.rekey_legacy():
        print("审计链已从旧格式转换为加密钥格式（一次性，已记入审计记录）。")
    report = audit.verify_chain()
    failed = False
    if report.ok:
        note = f"（其中前 {report.plain} 条为旧格式，已由加密钥记录封存）" if report.plain else ""
        print(f"审计记录完整：共 {report.count} 条，用审计密钥逐条校验通过{note}。")
    else:
        failed = True
        where = f"第 {report.first_bad_seq} 条起" if report.first_bad_seq else ""
        print(f"审计记录被改动：{where}哈希链校验不通过（{report.reason}）。")
    anchor = audit.read_anchor()
    if anchor is None:
        if report.count:
            print(f"注意：没有找到锚点文件 {audit.anchor_path()}，无法检查末尾的记录是否被删除。")
    elif "error" in anchor:
        failed = True
        print(f"锚点文件 {audit.anchor_path()}：{anchor['error']}。")
    else:
        check = audit.check_anchor(anchor)
        if check.ok:
            print(f"锚点文件：共 {anchor['events']} 条，与数据库一致。")
        else:
            failed = True
            print(f"锚点文件 {audit.anchor_path()} 与数据库不符：{check.reason}。")
    for path in args.backup or []:
        from taizhang.service.ledger.backup import anchor_of_backup

        anchor = anchor_of_backup(path)
        check = audit.check_anchor(anchor)
        label = f"备份 {path} 中的锚点（{anchor['events']} 条）"
        print(f"{label}：与数据库一致。" if check.ok else f"{label}与数据库不符：{check.reason}。")
        failed = failed or not check.ok
    for a in extra:
        check = audit.check_anchor(a, need_mac=False)
        label = f"锚点 {a['events']}:{a['head'][:16]}"
        print(f"{label}：与数据库一致。" if check.ok else f"{label} 与数据库不符：{check.reason}。")
        failed = failed or not check.ok
    if failed:
        print("校验不通过：审计记录可能被改动。请用异地保存的备份和已印发报表上的审计链摘要核对。")
        return 1
    return 0


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

    p = sub.add_parser("backup", help="备份数据库和全部文件到一个 .zip（文件权限 0600）")
    p.add_argument("out", nargs="?")
    p.add_argument("-o", "--out", dest="out_option", metavar="备份.zip", help="备份文件路径（同位置参数）")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help="从备份恢复（替换当前数据库和文件）")
    p.add_argument("file")
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("audit-verify", help="用审计密钥校验审计记录的哈希链和锚点，报告第一条被改动的记录")
    p.add_argument("--anchor", action="append", metavar="条数:摘要",
                   help="再与报表或备份上的审计链摘要核对（如 120:3fa9c2d41b7e8a05，可多次给出）")
    p.add_argument("--backup", action="append", metavar="备份.zip",
                   help="再与一份备份（如异地保存的备份）中的审计链锚点核对（可多次给出）")
    p.add_argument("--rekey", action="store_true", help="把旧版本的未加密钥审计链一次性转换为加密钥格式")
    p.set_defaults(func=cmd_audit_verify)
