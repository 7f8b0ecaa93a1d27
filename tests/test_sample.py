"""The bundled sample plan: shipped files, their reproducibility, and what the reader sees in them."""

from __future__ import annotations

import pytest

from taizhang.errors import ReadError
from taizhang.read import read_document
from taizhang.sample import sample_path
from taizhang.sample.build_sample import build


def test_sample_files_exist():
    assert sample_path().name == "sample_plan.docx" and sample_path().is_file()
    assert sample_path("txt").is_file() and sample_path(".TXT") == sample_path("txt")
    with pytest.raises(ReadError, match="没有 pdf 格式的示例方案"):
        sample_path("pdf")


def test_rebuild_gives_same_text(tmp_path):
    docx_path, txt_path = build(tmp_path)
    rebuilt = read_document(docx_path)
    shipped = read_document(sample_path())
    assert rebuilt.text == shipped.text
    assert txt_path.read_text(encoding="utf-8") == sample_path("txt").read_text(encoding="utf-8") == shipped.text


def test_sample_structure():
    doc = read_document(sample_path())
    lines = [doc.text[p.start:p.end] for p in doc.paragraphs()]
    assert "青政办发〔2026〕12号" in lines
    assert lines.count("青禾县2026年大气和水污染防治攻坚行动方案") == 1
    # auto-numbered headings read like typed ones
    for label in ("一、总体要求", "二、重点任务", "三、突出问题整改清单", "四、保障措施", "（三）推进水污染防治"):
        assert label in lines
    numbered_labels = [p.numbering for p in doc.paragraphs() if p.numbering]
    assert numbered_labels.count("1．") == 5  # restarted under each （…） item
    assert "以下均需各乡镇人民政府落实，不再列出。" in doc.text
    assert "页" not in "".join(x for x in lines if x.startswith("—"))
    assert "— 1 —" not in doc.text
    (table,) = doc.tables()
    grid = [[doc.text[c.start:c.end] for c in row] for row in table.rows]
    assert grid[0] == ["序号", "任务", "牵头单位", "配合单位", "完成时限"]
    assert grid[1] == ["一、大气污染防治"] * 5
    assert grid[3][2] == "县生态环境局" and table.rows[3][2].merged_from == (2, 2)
    assert grid[7][2] == "县住房城乡建设局"
    txt = read_document(sample_path("txt"))
    assert txt.text == doc.text
    assert len(txt.tables()) == 1 and len(txt.tables()[0].rows) == len(table.rows)
