"""``taizhang aqi`` / ``evaluate`` / ``water`` / ``track-target``: monitoring data by the national standards.

Every output names the standards it used (a column ``标准`` of the AQI tables, ``standard`` / ``standards``
in JSON, a sheet of the evaluation workbook). With ``-o`` a command writes the file and prints only
``已写入 PATH``. The computing is :mod:`taizhang.standards.evaluation`'s, shared with the web service.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
from pathlib import Path

from taizhang.errors import DataError
from taizhang.fileio import atomic_write
from taizhang.standards import editions

HEADERS = {
    "station": "站点", "date": "日期", "time": "时间",
    "IAQI_SO2_1h": "SO2_1h分指数", "IAQI_NO2_1h": "NO2_1h分指数", "IAQI_CO_1h": "CO_1h分指数",
    "IAQI_PM10_1h": "PM10_1h分指数", "IAQI_PM2.5_1h": "PM2.5_1h分指数",
    "SO2_24h": "SO2 24小时平均(μg/m3)", "NO2_24h": "NO2 24小时平均(μg/m3)",
    "PM10_24h": "PM10 24小时平均(μg/m3)", "CO_24h": "CO 24小时平均(mg/m3)",
    "PM2.5_24h": "PM2.5 24小时平均(μg/m3)", "O3_8h": "O3 日最大8小时平均(μg/m3)",
    "O3_1h": "O3 日最大1小时平均(μg/m3)",
    "IAQI_SO2_24h": "SO2分指数", "IAQI_NO2_24h": "NO2分指数", "IAQI_PM10_24h": "PM10分指数",
    "IAQI_CO_24h": "CO分指数", "IAQI_PM2.5_24h": "PM2.5分指数", "IAQI_O3_8h": "O3_8h分指数",
    "IAQI_O3_1h": "O3_1h分指数", "AQI": "AQI", "primary": "首要污染物", "level": "级别",
    "category": "类别", "colour": "表示颜色", "standard": "标准", "note": "说明",
    "section": "断面", "waterbody": "水体类型", "samples": "样品数", "class": "水质类别",
    "exceeding": "超标项目（超过目标类别）",
}
STANDARD_HELP = ("所依据的标准：auto（默认）按数据日期选择，2026-03-01前用HJ 633-2012/GB 3095-2012，此后用"
                 "HJ 633-2026/GB 3095-2026（2030年底前用过渡阶段限值）；2012或2026对全部数据使用该版本")


def _standard_option(p) -> None:
    p.add_argument("--standard", choices=editions.CHOICES, default="auto", help=STANDARD_HELP)


def _span_options(p) -> None:
    p.add_argument("--from", dest="start", metavar="YYYY-MM-DD", help="从该日算起（默认：数据的第一天）")
    p.add_argument("--to", dest="end", metavar="YYYY-MM-DD", help="算到该日（默认：数据的最后一天）")


def register(sub):
    p = sub.add_parser("aqi", help="逐日空气质量指数（HJ 633，按数据日期选用2012或2026版）",
                       description="由小时监测数据计算逐日（或逐时）AQI表，范围为数据的第一天到最后一天；"
                                   "其间缺测的日期列为无效日。每行注明所用标准。")
    p.add_argument("file", help="小时监测数据（.csv或.xlsx，长表或宽表）")
    p.add_argument("--year", type=int, help="只算该年份")
    _span_options(p)
    p.add_argument("--station", help="只算一个站点")
    p.add_argument("--city", action="store_true", help="按全部站点均值计算城市逐日AQI")
    p.add_argument("--hourly", action="store_true", help="逐小时AQI（实时报）")
    _standard_option(p)
    p.add_argument("-o", "--output", help="输出文件：.xlsx、.csv或.json；省略时以CSV打印")
    p.set_defaults(func=cmd_aqi)

    p = sub.add_parser("evaluate", help="年度空气质量评价（HJ 663）",
                       description="评价一个站点或城市一年（或年内一段）的空气质量，逐日按当日适用的标准。"
                                   "不指定--station或--city时，评价城市和每个站点。")
    p.add_argument("file", help="小时监测数据（.csv或.xlsx，长表或宽表）")
    p.add_argument("--year", type=int, required=True, help="评价年份")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--station", help="评价一个站点")
    g.add_argument("--city", action="store_true", help="评价城市（各站点日均值的平均）")
    _span_options(p)
    p.add_argument("--through", help="年内至今：只计到该日（YYYY-MM-DD），并给出余下天数的要求")
    _standard_option(p)
    p.add_argument("-o", "--output", help="输出为.xlsx或.json；省略时打印JSON")
    p.set_defaults(func=cmd_evaluate)

    p = sub.add_parser("water", help="地表水断面水质类别（GB 3838-2002）")
    p.add_argument("file", help="断面监测数据（.csv或.xlsx）")
    p.add_argument("--waterbody", choices=["river", "lake"], default="river",
                   help="文件中没有“水体类型”列时的水体类型（默认河流）")
    p.add_argument("--target-class", type=int, choices=[1, 2, 3, 4, 5], default=3,
                   help="目标水质类别，列出超过该类别的项目（默认3即Ⅲ类）")
    p.add_argument("-o", "--output", help="输出文件：.xlsx、.csv或.json；省略时打印JSON")
    p.set_defaults(func=cmd_water)

    p = sub.add_parser("track-target", help="用监测数据核对台账中的目标",
                       description="把台账JSON中的数值目标与监测数据计算的指标对照：实际值、是否达标、差距，"
                                   "年内至今时给出余下天数须达到的水平。")
    p.add_argument("ledger", help="台账JSON（taizhang extract 的输出）")
    p.add_argument("--air", help="目标年份的小时空气监测数据")
    p.add_argument("--baseline-air", help="基准年的小时空气监测数据（“下降x%%”类目标）")
    p.add_argument("--water", help="断面水质监测数据")
    p.add_argument("--station", help="用一个站点代替城市均值")
    p.add_argument("--through", help="年内至今：只计到该日（YYYY-MM-DD）")
    p.add_argument("--target", action="append", help="只核对这些目标编号（可重复）")
    _standard_option(p)
    p.add_argument("-o", "--output", help="另存为.json或.xlsx")
    p.set_defaults(func=cmd_track)


# ---------------------------------------------------------------- helpers


def _warn(message: str) -> None:
    print(f"taizhang: 提示: {message}", file=sys.stderr)


def _date(s: str | None) -> dt.date | None:
    if not s:
        return None
    try:
        return dt.date.fromisoformat(s)
    except ValueError:
        raise DataError(f"日期“{s}”格式不对（应如2024-06-30）") from None


def _cell(v):
    if isinstance(v, list):
        return "、".join(str(x) if not isinstance(x, dict) else _fmt_exceed(x) for x in v)
    if isinstance(v, dict):
        return json.dumps(v, ensure_ascii=False)
    return v


def _fmt_exceed(e: dict) -> str:
    s = f"{e['name']}({e['class']}"
    if e.get("exceed_multiple") is not None:
        s += f"，超标{e['exceed_multiple']}倍"
    return s + ")"


def _columns(rows: list[dict]) -> list[str]:
    cols: list[str] = []
    for r in rows:
        for k in r:
            if k not in cols:
                cols.append(k)
    return cols


def _written(path: Path) -> None:
    print(f"已写入 {path}")


def _write_json(path: Path, obj) -> None:
    atomic_write(path, lambda p: p.write_text(json.dumps(obj, ensure_ascii=False, indent=2), encoding="utf-8"))
    _written(path)


def write_table(rows: list[dict], out: str | None, *, sheets: dict[str, list[dict]] | None = None,
                json_obj=None) -> None:
    """Rows to .xlsx / .csv / .json (by extension) or as CSV on stdout."""
    cols = _columns(rows)
    if out is None:
        w = csv.writer(sys.stdout)
        w.writerow([HEADERS.get(c, c) for c in cols])
        for r in rows:
            w.writerow([_cell(r.get(c)) for c in cols])
        return
    path = Path(out)
    ext = path.suffix.lower()
    if ext == ".json":
        _write_json(path, json_obj if json_obj is not None else rows)
        return
    if ext == ".csv":
        def w_csv(p):
            with p.open("w", encoding="utf-8-sig", newline="") as f:
                w = csv.writer(f)
                w.writerow([HEADERS.get(c, c) for c in cols])
                for r in rows:
                    w.writerow([_cell(r.get(c)) for c in cols])
        atomic_write(path, w_csv)
    elif ext == ".xlsx":
        atomic_write(path, lambda p: _write_xlsx(p, sheets or {"数据": rows}))
    else:
        raise DataError(f"不支持的输出类型“{path.suffix}”（应为.xlsx、.csv或.json）", path=str(path))
    _written(path)


def _write_xlsx(path: Path, sheets: dict[str, list[dict]]) -> None:
    import openpyxl
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = openpyxl.Workbook(write_only=True)
    bold = Font(bold=True)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title[:31])
        cols = _columns(rows)
        ws.freeze_panes = "A2"
        for j, c in enumerate(cols, start=1):  # wide enough for the header and the first rows (CJK counts 2)
            texts = [str(HEADERS.get(c, c))] + [str(_cell(r.get(c)) or "") for r in rows[:200]]
            width = max(sum(2 if ord(ch) > 0x2E80 else 1 for ch in t) for t in texts)
            ws.column_dimensions[get_column_letter(j)].width = min(60, width + 2)
        header = []
        for c in cols:
            cell = openpyxl.cell.WriteOnlyCell(ws, value=HEADERS.get(c, c))
            cell.font = bold
            header.append(cell)
        ws.append(header)
        for r in rows:
            ws.append([_cell(r.get(c)) for c in cols])
    wb.save(path)


def _check_output(out: str | None, allowed: tuple[str, ...]) -> None:
    """Refuse an unsupported output type before any computing."""
    if out and Path(out).suffix.lower() not in allowed:
        raise DataError(f"不支持的输出类型“{Path(out).suffix}”（应为{'或'.join(allowed)}）", path=out)


# ---------------------------------------------------------------- commands


def cmd_aqi(args) -> int:
    from taizhang.standards import evaluation, hj663

    _check_output(args.output, (".xlsx", ".csv", ".json"))
    if args.hourly and args.city:
        raise DataError("逐小时AQI按站点计算，不能与--city同用")
    hourly = evaluation.read_hourly(args.file, year=args.year, station=args.station, start=_date(args.start),
                                    end=_date(args.end), warn=_warn)
    if args.hourly:
        times, res = hj663.compute_hourly(hourly, standard=args.standard)
        rows = hj663.hourly_table(hourly.stations, times, res, args.standard)
        write_table(rows, args.output, sheets={"逐时AQI": rows})
        return 0
    daily = evaluation.daily(hourly, standard=args.standard, city=evaluation.CITY if args.city else None)
    rows = hj663.daily_table(daily)
    write_table(rows, args.output, sheets={"逐日AQI": rows})
    return 0


def _evaluation_rows(ev: dict) -> tuple[list[dict], list[dict], list[dict], list[dict]]:
    pol_rows = [{"评价对象": ev["name"], "污染物": k, "统计量": v["statistic"], "数值": v["value"], "单位": v["unit"],
                 "二级标准限值": v["limit"], "限值依据": v["limit_standard"],
                 "是否达标": {True: "达标", False: "超标", None: "无法判定"}[v["compliant"]],
                 "超标倍数": v["exceed_multiple"], "日均值超标天数": v["exceed_days"], "有效日数": v["valid_days"],
                 "统计有效": {True: "有效", False: "无效", None: "不适用"}[v["valid"]],
                 "说明": "；".join(v["reasons"])} for k, v in ev["pollutants"].items()]
    a = ev["aqi"]
    aqi_rows = [{"评价对象": ev["name"], "有效天数": a["valid_days"], "优良天数": a["good_days"],
                 "优良天数比率(%)": a["good_ratio"], "重度及以上污染天数": a["heavy_days"],
                 **{f"{k}天数": v for k, v in a["days_by_category"].items()},
                 "首要污染物天数": "、".join(f"{k}:{v}" for k, v in a["primary_days"].items())}]
    inv = [{"评价对象": ev["name"], "日期": r["date"], "项目": r["item"], "原因": r["reason"]} for r in ev["invalid"]]
    std = [{"评价对象": ev["name"], "起": p["start"], "止": p["end"], "天数": p["days"], "空气质量指数": p["aqi"],
            "浓度限值": p["limits"], "评价方法": p["evaluation"]} for p in ev["standards"]]
    return pol_rows, aqi_rows, inv, std


def cmd_evaluate(args) -> int:
    from taizhang.standards import evaluation

    _check_output(args.output, (".xlsx", ".json"))
    through = _date(args.through)
    end = _date(args.end)
    if through is not None:
        end = through if end is None else min(end, through)
    hourly = evaluation.read_hourly(args.file, year=args.year, station=args.station, start=_date(args.start),
                                    end=end, warn=_warn)
    multi = not args.station and len(hourly.stations) > 1
    evs = evaluation.air_evaluations(hourly, year=args.year, through=through, standard=args.standard,
                                     city=evaluation.CITY if (args.city or multi) else None,
                                     stations=not args.city)
    result = {"file": str(args.file), "year": args.year, "standard_choice": args.standard, "evaluations": evs}
    if not args.output:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return 0
    path = Path(args.output)
    if path.suffix.lower() == ".json":
        _write_json(path, result)
        return 0
    pol, aqi, inv, std = [], [], [], []
    for ev in evs:
        a, b, c, d = _evaluation_rows(ev)
        pol += a
        aqi += b
        inv += c
        std += d
    sheets = {"污染物评价": pol, "AQI统计": aqi, "无效时段": inv or [{"说明": "无"}], "所用标准": std}
    atomic_write(path, lambda p: _write_xlsx(p, sheets))
    _written(path)
    return 0


def cmd_water(args) -> int:
    from taizhang.standards import evaluation

    _check_output(args.output, (".xlsx", ".csv", ".json"))
    res = evaluation.evaluate_water_file(args.file, default_waterbody=args.waterbody, target=args.target_class)
    if not args.output or args.output.lower().endswith(".json"):
        if args.output:
            _write_json(Path(args.output), res)
        else:
            print(json.dumps(res, ensure_ascii=False, indent=2))
        return 0
    sec_rows = [{k: s[k] for k in ("section", "waterbody", "samples", "class", "exceeding")} for s in res["sections"]]
    for r in sec_rows:
        r["waterbody"] = "湖库" if r["waterbody"] == "lake" else "河流"
    smp = [{"section": s["section"], "date": s["date"], "class": s["class"], "exceeding": s["exceeding"]}
           for s in res["samples"]]
    summ = res["summary"]
    summary = [{"断面数": summ["sections"], "Ⅰ～Ⅲ类断面数": summ["class_iii_or_better"], "优Ⅲ比例(%)": summ["good_share"],
                "劣Ⅴ类断面数": summ["worse_than_v"], "劣Ⅴ类比例(%)": summ["bad_share"], "标准": res["standard"]}]
    write_table(sec_rows, args.output, sheets={"断面类别": sec_rows, "逐次样品": smp, "汇总": summary})
    return 0


def cmd_track(args) -> int:
    from taizhang.standards import evaluation, tracking

    _check_output(args.output, (".xlsx", ".json"))
    try:
        ledger = json.loads(Path(args.ledger).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DataError(f"无法读取台账JSON（{exc}）", path=args.ledger) from None
    targets = ledger.get("targets", []) if isinstance(ledger, dict) else []
    if args.target:
        targets = [t for t in targets if t.get("id") in args.target]
    if not targets:
        raise DataError("台账中没有（所选的）目标", path=args.ledger)
    through = _date(args.through)
    cache: dict = {}

    def air_eval(path, year):
        key = (path, year)
        if key not in cache:
            cache[key] = evaluation.evaluate_air_file(path, year, station=args.station,
                                                      through=through if path == args.air else None,
                                                      standard=args.standard, warn=_warn)
        return cache[key]

    water_eval = evaluation.evaluate_water_file(args.water) if args.water else None
    results = []
    for t in targets:
        rule = tracking.indicator_rule(t.get("indicator", ""))
        ev = base = None
        if rule and rule["kind"] == "water_share":
            ev = water_eval
        elif rule and rule["kind"] != "unsupported" and args.air:
            ev = air_eval(args.air, t.get("year"))
            if t.get("comparator") in ("reduce_by", "increase_by") and args.baseline_air:
                base = air_eval(args.baseline_air, t.get("baseline_year"))
        results.append(tracking.track_target(t, ev, baseline=base))
    if args.output:
        rows = [{"目标编号": r.get("target_id"), "指标": r["indicator"], "目标": f"{r['comparator']} {r['value']}",
                 "实际值": r.get("actual"), "判定": r["status_text"], "差距": r.get("gap"),
                 "说明": r.get("message"), "所用标准": r.get("standard")} for r in results]
        write_table(rows, args.output, sheets={"目标核对": rows}, json_obj=results)
        return 0
    for r in results:
        print(f"{r.get('target_id') or ''}\t{r['indicator']}\t{r['status_text']}\t{r.get('message', '')}")
    for std in dict.fromkeys(r["standard"] for r in results if r.get("standard")):
        print(f"依据：{std}")
    return 0
