"""Builders of real test documents (.txt, .docx, .pdf, broken files) in a temporary directory.

All text is invented for the tests (a fictional county, 青禾县), in the genre of the plans the project reads.
Other test modules import these helpers.
"""

from __future__ import annotations

from pathlib import Path

PLAN_LINES = [
    "青禾县2026年大气污染防治工作方案",
    "一、工作目标",
    "到2026年底，全县PM2.5平均浓度控制在32微克/立方米以下，优良天数比率达到85%以上。",
    "二、重点任务",
    "（一）推进燃煤锅炉整治。2026年6月底前完成10蒸吨/小时以下燃煤锅炉淘汰。（县生态环境局牵头，县发展改革局配合）",
    "（二）加强扬尘管控。建筑工地落实“六个百分之百”要求，长期坚持。（县住房城乡建设局负责，各乡镇人民政府落实）",
]

FLAT_TABLE = (
    "附件\n\n重点任务分解表\n"
    "\t序号\n\t任务\n\t牵头单位\n\t配合单位\n\t完成时限\n\n"
    "\t1\n\t淘汰燃煤小锅炉\n\t县生态环境局\n\t县市场监管局\n\n县发展改革局\n\t2026年6月底前\n\n"
    "\t2\n\t整治露天焚烧\n\t县农业农村局\n\t\n\t长期坚持\n"
    "\n\n抄送：县委办公室。\n"
)


def write_text(path: Path, text: str, encoding: str = "utf-8", newline: str = "\n", bom: bool = False) -> Path:
    data = text.replace("\n", newline).encode(encoding)
    if bom:
        data = "\ufeff".encode(encoding) + data
    path.write_bytes(data)
    return path


def gbk_txt(tmp_path: Path, name: str = "plan_gbk.txt") -> Path:
    return write_text(tmp_path / name, "\n".join(PLAN_LINES) + "\n", encoding="gbk")


def bom_crlf_txt(tmp_path: Path, name: str = "plan_bom.txt") -> Path:
    return write_text(tmp_path / name, "\n".join(PLAN_LINES) + "\n", newline="\r\n", bom=True)


def flat_table_txt(tmp_path: Path, name: str = "plan_table.txt") -> Path:
    return write_text(tmp_path / name, "\n".join(PLAN_LINES) + "\n\n" + FLAT_TABLE)


def binary_file(tmp_path: Path, name: str = "blob.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(bytes(range(256)) * 8)
    return path


def empty_file(tmp_path: Path, name: str = "empty.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(b"")
    return path


def corrupt_docx(tmp_path: Path, name: str = "broken.docx") -> Path:
    path = tmp_path / name
    path.write_bytes(b"PK\x03\x04" + b"\x14\x00\x00\x00broken zip data" * 10)
    return path
