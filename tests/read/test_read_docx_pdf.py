"""The .docx and .pdf readers on files the tests build (python-docx, reportlab), and their bad inputs."""

from __future__ import annotations

import zipfile

import pytest
from test_read_txt import check_offsets

from builders import (
    corrupt_docx,
    encrypted_pdf,
    image_only_pdf,
    plan_pdf,
    responsibility_docx,
)
from taizhang.errors import ReadError
from taizhang.read import read_bytes, read_document
from taizhang.read.numbering import format_number


def grid(doc, table):
    return [[doc.text[c.start:c.end] for c in row] for row in table.rows]


def test_docx_numbering_rendered(tmp_path):
    doc = read_document(responsibility_docx(tmp_path))
    assert doc.format == "docx"
    check_offsets(doc)
    lines = [doc.text[p.start:p.end] for p in doc.paragraphs()]
    assert lines[:3] == ["青禾县2026年水污染防治工作方案", "一、总体要求", "到2026年底，国考断面水质优Ⅲ比例达到80%。"]
    assert "二、重点任务" in lines
    assert "（一）加强工业污染治理" in lines
    assert "1．开展入河排污口排查。（县生态环境局牵头，县水利局配合）" in lines
    assert "2．推进污水处理厂提标改造。2026年9月底前完成。" in lines
    # a higher level restarts the lower one
    assert "（二）推进农业面源治理" in lines
    assert "1．减少化肥使用量。（县农业农村局负责）" in lines
    assert "①测土配方" in lines and "②有机肥替代" in lines
    assert "三、保障措施" in lines
    labels = {doc.text[p.start:p.end]: p.numbering for p in doc.paragraphs()}
    assert labels["（一）加强工业污染治理"] == "（一）"
    assert labels["附件"] is None
    assert {p.style for p in doc.paragraphs()} >= {"Title", "Normal"}


def test_docx_headers_footers_and_page_numbers_excluded(tmp_path):
    doc = read_document(responsibility_docx(tmp_path))
    assert "页眉" not in doc.text
    assert "— 2 —" not in doc.text and "— 1 —" not in doc.text
    assert doc.text.rstrip().endswith("抄送：县委办公室。")


def test_docx_merged_cells(tmp_path):
    doc = read_document(responsibility_docx(tmp_path))
    (table,) = doc.tables()
    g = grid(doc, table)
    assert g[0] == ["序号", "任务", "牵头单位", "完成时限"]
    # vertical merge: row 2 reads the lead unit of row 1
    assert g[1][2] == g[2][2] == "县生态环境局"
    assert table.rows[2][2].merged_from == (1, 2)
    assert table.rows[1][2].row_span == 2 and table.rows[1][2].merged_from is None
    # horizontal merge across three columns
    merged = "跨部门联合执法，长期坚持（县公安局、县生态环境局）"
    assert g[3][1:] == [merged] * 3
    assert table.rows[3][1].col_span == 3
    assert [c.merged_from for c in table.rows[3][2:]] == [(3, 1), (3, 1)]
    # the merged texts appear once in the text
    assert doc.text.count(merged) == 1
    assert doc.text.count("\t县生态环境局\n") == 1  # the vertically merged cell is written once
    # the table is rendered like the flattened tables of the seeds
    assert "\t序号\n\t任务\n\t牵头单位\n\t完成时限\n\n\t1\n" in doc.text


def test_docx_round_trips_through_text_reader(tmp_path):
    """The rendered text of a .docx, read as .txt, gives the same table grid (vertical placeholders)."""
    doc = read_document(responsibility_docx(tmp_path))
    again = read_bytes(doc.text.encode("utf-8"), "again.txt")
    assert grid(again, again.tables()[0])[:2] == grid(doc, doc.tables()[0])[:2]


def test_format_number():
    assert [format_number(n, "chineseCounting") for n in (1, 10, 11, 20, 21, 100, 105, 110)] == [
        "一", "十", "十一", "二十", "二十一", "一百", "一百零五", "一百一十"]
    assert format_number(3, "decimalEnclosedCircle") == "③"
    assert format_number(2, "ideographTraditional") == "乙"
    assert format_number(12, "decimalFullWidth") == "１２"
    assert format_number(4, "upperRoman") == "IV"


def test_pdf_text_paragraphs_and_table(tmp_path):
    doc = read_document(plan_pdf(tmp_path))
    assert doc.format == "pdf" and doc.pages == 2
    check_offsets(doc)
    lines = [doc.text[p.start:p.end] for p in doc.paragraphs()]
    assert lines[0] == "青禾县2026年大气污染防治工作方案"
    # the paragraph wrapped over several visual lines is one line of text again
    assert any(ln.startswith("（一）推进燃煤锅炉整治") and ln.endswith("（县生态环境局牵头，县市场监管局配合）")
               for ln in lines)
    assert "三、保障措施" in lines
    # running header and page numbers are gone
    assert "青禾县人民政府办公室" not in doc.text
    assert "—" not in doc.text
    (table,) = doc.tables()
    g = grid(doc, table)
    assert g[0] == ["序号", "任务", "牵头单位"]
    assert g[1] == ["1", "淘汰燃煤小锅炉", "县生态环境局"]
    assert g[2] == ["2", "治理工业炉窑", "县生态环境局"]
    assert table.rows[2][2].merged_from == (1, 2)


@pytest.mark.parametrize(
    "make, message",
    [
        (image_only_pdf, "PDF 没有文字层（可能是扫描件），请先做文字识别（OCR）后再导入"),
        (encrypted_pdf, "PDF 已加密"),
        (corrupt_docx, "文件已损坏"),
    ],
)
def test_bad_binary_documents(tmp_path, make, message):
    path = make(tmp_path)
    with pytest.raises(ReadError) as exc:
        read_document(path)
    assert message in str(exc.value)
    assert path.name in str(exc.value)


def test_other_bad_documents(tmp_path):
    not_word = tmp_path / "archive.docx"
    with zipfile.ZipFile(not_word, "w") as zf:
        zf.writestr("readme.txt", "不是 Word")
    with pytest.raises(ReadError, match="没有 word/document.xml"):
        read_document(not_word)
    fake_pdf = tmp_path / "fake.pdf"
    fake_pdf.write_text("这不是 PDF", encoding="utf-8")
    with pytest.raises(ReadError, match="不是有效的 PDF"):
        read_document(fake_pdf)
    broken_pdf = tmp_path / "broken.pdf"
    broken_pdf.write_bytes(b"%PDF-1.4\n" + b"\x00garbage" * 50)
    with pytest.raises(ReadError, match="broken.pdf"):
        read_document(broken_pdf)
    old_doc = tmp_path / "old.doc"
    old_doc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    with pytest.raises(ReadError, match="另存为 .docx"):
        read_document(old_doc)
    locked = tmp_path / "locked.docx"  # Office encrypts a .docx into an OLE container
    locked.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    with pytest.raises(ReadError, match="受密码保护"):
        read_document(locked)
    (tmp_path / "folder.txt").mkdir()
    with pytest.raises(ReadError, match="文件夹"):
        read_document(tmp_path / "folder.txt")


def test_pdf_of_the_sample_plan(tmp_path):
    """A multi-page typeset PDF: wrapped paragraphs (also across a page break) come back as one line each."""
    from builders import sample_pdf
    from taizhang.sample import sample_path

    source = read_document(sample_path())
    doc = read_document(sample_pdf(tmp_path))
    assert doc.pages >= 3
    check_offsets(doc)
    want = [source.text[p.start:p.end] for p in source.paragraphs()]
    got = [doc.text[p.start:p.end] for p in doc.paragraphs()]
    # reportlab collapses runs of full-width spaces; every other paragraph must come back exactly
    assert [w for w in want if "　　　" not in w] == [g for g in got if "印发" not in g or "《" in g]
    assert not any("—" in g for g in got)
    (table,) = doc.tables()
    assert grid(doc, table) == grid(source, source.tables()[0])
    assert table.rows[3][2].merged_from == (2, 2)


def test_docx_style_numbering_overrides_and_revisions(tmp_path):
    import docx
    from docx.oxml import parse_xml

    from taizhang.sample.build_sample import CIRCLED, CIRCLED_RESTART, W_NS, install_numbering, numbered

    d = docx.Document()
    install_numbering(d)
    # numbering attached to a heading style, not to the paragraph
    heading = d.styles["Heading 1"].element
    heading.get_or_add_pPr().append(parse_xml(
        f'<w:numPr xmlns:w="{W_NS}"><w:ilvl w:val="0"/><w:numId w:val="90"/></w:numPr>'))
    d.add_paragraph("目标任务", style="Heading 1")
    d.add_paragraph("保障措施", style="Heading 1")
    numbered(d, "甲项", CIRCLED)
    numbered(d, "乙项", CIRCLED)
    numbered(d, "重新编号", CIRCLED_RESTART)
    # tracked insertion kept, tracked deletion and hidden text dropped, soft break splits the line
    p = d.add_paragraph()
    p._p.append(parse_xml(
        f'<w:ins xmlns:w="{W_NS}" w:id="1" w:author="a"><w:r><w:t>新增内容</w:t></w:r></w:ins>'))
    p._p.append(parse_xml(
        f'<w:del xmlns:w="{W_NS}" w:id="2" w:author="a"><w:r><w:delText>删除内容</w:delText></w:r></w:del>'))
    p._p.append(parse_xml(
        f'<w:r xmlns:w="{W_NS}"><w:rPr><w:vanish/></w:rPr><w:t>隐藏文字</w:t></w:r>'))
    p._p.append(parse_xml(f'<w:r xmlns:w="{W_NS}"><w:br/><w:t>第二行</w:t></w:r>'))
    # a table nested in a cell is read into that cell
    outer = d.add_table(rows=2, cols=2)
    outer.cell(0, 0).text = "序号"
    outer.cell(0, 1).text = "内容"
    outer.cell(1, 0).text = "1"
    inner = outer.cell(1, 1).add_table(rows=1, cols=2)
    inner.cell(0, 0).text = "子项甲"
    inner.cell(0, 1).text = "子项乙"
    path = tmp_path / "features.docx"
    d.save(path)

    doc = read_document(path)
    check_offsets(doc)
    lines = [doc.text[p.start:p.end] for p in doc.paragraphs()]
    assert lines[:5] == ["一、目标任务", "二、保障措施", "①甲项", "②乙项", "①重新编号"]
    assert doc.paragraphs()[0].style == "Heading 1"
    assert lines[5:7] == ["新增内容", "第二行"]
    assert "删除内容" not in doc.text and "隐藏文字" not in doc.text
    g = grid(doc, doc.tables()[0])
    assert g[1][1].split("\n") == ["子项甲", "子项乙"]


def test_pdf_table_continued_over_pages(tmp_path):
    from builders import long_table_pdf

    doc = read_document(long_table_pdf(tmp_path, rows=70))
    assert doc.pages >= 2
    (table,) = doc.tables()
    g = grid(doc, table)
    assert g[0] == ["序号", "任务", "牵头单位"]
    assert len(g) == 71 and g[-1] == ["70", "第70项整治任务", "县生态环境局"]
    assert [row[0] for row in g[1:]] == [str(i) for i in range(1, 71)]
    check_offsets(doc)
