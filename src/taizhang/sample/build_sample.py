"""Build the bundled sample plan (an invented county, 青禾县) as .docx and .txt.

    python -m taizhang.sample.build_sample [OUTDIR]

The .docx uses real Word features the reader must handle: automatic list numbering (一、 （一） 1．),
a responsibility table with merged cells, a running header and a page-number footer. The .txt is the
reader's plain text of that .docx (tables flattened the way the .txt seeds show them).
All of the text below is invented for the project.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

# Numbering definitions: 90 = outline 一、 /（一）/ 1．, 91 = circled ①.
NUMBERING_XML = f"""<w:numbering xmlns:w="{W_NS}">
<w:abstractNum w:abstractNumId="90">
  <w:multiLevelType w:val="multilevel"/>
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/>
    <w:suff w:val="nothing"/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/>
    <w:suff w:val="nothing"/></w:lvl>
  <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3．"/>
    <w:suff w:val="nothing"/></w:lvl>
</w:abstractNum>
<w:abstractNum w:abstractNumId="91">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimalEnclosedCircle"/><w:lvlText w:val="%1"/>
    <w:suff w:val="nothing"/></w:lvl>
</w:abstractNum>
<w:num w:numId="90"><w:abstractNumId w:val="90"/></w:num>
<w:num w:numId="91"><w:abstractNumId w:val="91"/></w:num>
<w:num w:numId="92"><w:abstractNumId w:val="91"/>
  <w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>
</w:numbering>"""

OUTLINE, CIRCLED, CIRCLED_RESTART = 90, 91, 92


def install_numbering(document) -> None:
    """Add the numbering definitions above to a python-docx Document."""
    from docx.oxml import parse_xml

    numbering = document.part.numbering_part.element
    defs = parse_xml(NUMBERING_XML)
    first_num = numbering.find(f"{{{W_NS}}}num")
    for el in list(defs):
        if el.tag.endswith("}abstractNum") and first_num is not None:
            first_num.addprevious(el)  # abstractNum elements must precede num elements
        else:
            numbering.append(el)


def numbered(document, text: str, num_id: int, level: int = 0, style: str | None = None):
    """A paragraph carrying Word automatic numbering (the label is not typed into the text)."""
    from docx.oxml import parse_xml

    p = document.add_paragraph(text, style=style)
    p._p.get_or_add_pPr().append(parse_xml(
        f'<w:numPr xmlns:w="{W_NS}"><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'
    ))
    return p


def add_page_field(paragraph) -> None:
    """'— N —' with N a PAGE field, as government documents print page numbers."""
    from docx.oxml import parse_xml

    paragraph.add_run("— ")
    paragraph._p.append(parse_xml(
        f'<w:fldSimple xmlns:w="{W_NS}" w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>'
    ))
    paragraph.add_run(" —")


# ---- the plan ------------------------------------------------------------------------------------------
# Items: ("p", text) typed paragraph; ("n", level, text) auto-numbered outline item; ("c", text) circled
# item; ("title", text); ("right", text) right-aligned; ("table", rows, merges); ("break",) page break.

TITLE = "青禾县2026年大气和水污染防治攻坚行动方案"

COVER = [
    ("title", "青禾县人民政府办公室文件"),
    ("center", "青政办发〔2026〕12号"),
    ("title", f"青禾县人民政府办公室关于印发《{TITLE}》的通知"),
    ("p", "各乡镇人民政府，县政府各部门、各直属单位："),
    ("p", f"　　《{TITLE}》已经县政府第18次常务会议研究同意，现印发给你们，请结合实际认真贯彻落实。"),
    ("right", "青禾县人民政府办公室"),
    ("right", "2026年3月5日"),
    ("p", "（此件公开发布）"),
    ("break",),
]

PLAN = [
    ("title", TITLE),
    ("p", "　　为持续改善全县生态环境质量，巩固污染防治攻坚成果，根据省、市关于深入打好污染防治攻坚战的"
          "部署，结合我县实际，制定本方案。"),
    ("n", 0, "总体要求"),
    ("n", 1, "指导思想。坚持精准治污、科学治污、依法治污，以改善环境质量为核心，以解决群众身边突出环境问题为"
             "重点，统筹推进大气、水污染防治，确保各项目标任务按期完成。"),
    ("n", 1, "工作目标。到2026年底，全县PM2.5年均浓度控制在30微克/立方米以下，力争达到28微克/立方米；"
             "优良天数比率达到88%以上；国考断面水质优Ⅲ比例达到100%，省考断面水质优Ⅲ比例不低于85%；"
             "化学需氧量排放总量比2025年下降3%，氨氮排放总量比2025年下降4%；县城生活污水集中收集率达到75%以上。"),
    ("n", 0, "重点任务"),
    ("n", 1, "深化工业污染治理"),
    ("n", 2, "推进燃煤锅炉淘汰。全面排查县域内燃煤锅炉，建立整治清单，2026年6月底前全面淘汰10蒸吨/小时及以下"
             "燃煤锅炉，其余燃煤锅炉全部达到超低排放要求。（县生态环境局牵头，县发展改革局、县市场监管局配合）"),
    ("n", 2, "开展涉气企业深度治理。对建材、铸造、家具制造等行业开展无组织排放排查整治，2026年9月底前完成"
             "全部问题企业整改。（县生态环境局牵头，县工业和信息化局配合）"),
    ("n", 2, "整治“散乱污”企业。建立动态管理台账，对关停取缔类企业做到“两断三清”，发现一起、整治一起，"
             "长期坚持。（县工业和信息化局、县生态环境局按职责负责，县自然资源局、县供电公司配合）"),
    ("n", 1, "强化扬尘和移动源管控"),
    ("p", "　　以下均需各乡镇人民政府落实，不再列出。"),
    ("n", 2, "严格施工扬尘监管。全县建筑工地全面落实“六个百分之百”要求，5000平方米以上工地安装在线监测和视频"
             "监控设施，长期坚持。（县住房城乡建设局牵头，县城市管理局、县交通运输局配合）"),
    ("n", 2, "加强道路扬尘治理。提高城区主次干道机械化清扫率，2026年5月底前城区道路机械化清扫率达到90%以上。"
             "（县城市管理局负责）"),
    ("n", 2, "整治柴油货车超标排放。一是开展路检路查，严查超标排放车辆；二是推进老旧柴油货车淘汰，"
             "2026年底前淘汰国三及以下排放标准柴油货车150辆；三是加强非道路移动机械编码登记管理。"
             "（县公安局、县生态环境局按职责负责，县交通运输局配合）"),
    ("n", 1, "推进水污染防治"),
    ("n", 2, "开展入河排污口排查整治。完成青禾河、白沙溪干流入河排污口排查，2026年9月底前完成溯源，"
             "年底前完成分类整治。（县生态环境局牵头，县水利局、县农业农村局配合）"),
    ("n", 2, "补齐污水收集处理短板。实施县城污水处理厂提标改造和城区雨污分流改造，2026年10月底前完成提标改造。"
             "（县住房城乡建设局负责，城关镇人民政府负责落实）"),
    ("n", 2, "整治畜禽养殖污染。对禁养区内仍在养殖的场户立行立改，规模养殖场粪污处理设施装备配套率保持100%。"
             "（县农业农村局牵头，县生态环境局配合）"),
    ("n", 0, "突出问题整改清单"),
    ("n", 1, "城区餐饮油烟扰民问题投诉较多。"),
    ("p", "　　责任单位：县城市管理局牵头，县市场监管局、县生态环境局配合，城关镇人民政府落实"),
    ("p", "　　整改时限：立行立改，长期坚持"),
    ("p", "　　整改目标：城区餐饮单位油烟净化设施安装率达到100%，油烟扰民投诉件数比2025年下降30%。"),
    ("p", "　　整改措施："),
    ("n", 2, "开展城区餐饮油烟专项排查，建立问题清单和整改台账。"),
    ("n", 2, "督促餐饮单位安装并正常使用油烟净化设施，定期清洗维护。"),
    ("n", 2, "对拒不整改或整改不到位的依法查处，并向社会公开。"),
    ("n", 1, "青禾河青石桥断面氨氮浓度阶段性超标。"),
    ("p", "　　责任单位：县生态环境局牵头，县水利局、县住房城乡建设局配合，沿河各乡镇人民政府落实"),
    ("p", "　　整改时限：2026年9月底前"),
    ("p", "　　整改目标：青石桥断面水质稳定达到Ⅲ类标准。"),
    ("p", "　　整改措施："),
    ("n", 2, "开展沿河排口和支流水质加密监测，查清超标原因。"),
    ("n", 2, "完成沿河3个村生活污水收集管网建设，杜绝污水直排入河。"),
    ("n", 2, "落实河长制，加强河道日常保洁和巡查。"),
    ("n", 0, "保障措施"),
    ("n", 1, "加强组织领导。县污染防治攻坚战指挥部统筹推进本方案实施，各责任单位主要负责同志为第一责任人，"
             "细化工作措施，明确时间节点。"),
    ("n", 1, "严格督查考核。县污染防治攻坚战指挥部办公室实行月调度、季通报、年考核，对工作滞后的单位"
             "予以通报，对问题突出的进行约谈。"),
    ("n", 1, "强化宣传引导。通过县融媒体中心等渠道宣传污染防治成效，畅通群众投诉举报渠道，形成全社会共同参与"
             "的良好氛围。"),
    ("p", "　　附件：青禾县2026年污染防治重点任务分解表"),
    ("break",),
    ("p", "附件"),
    ("title", "青禾县2026年污染防治重点任务分解表"),
    ("table",
     [["序号", "任务", "牵头单位", "配合单位", "完成时限"],
      ["一、大气污染防治", "", "", "", ""],
      ["1", "淘汰10蒸吨/小时及以下燃煤锅炉", "县生态环境局", "县市场监管局", "2026年6月底前"],
      ["2", "修订重污染天气应急减排清单", "", "县工业和信息化局", "2026年9月底前"],
      ["3", "秸秆露天焚烧管控", "县农业农村局", "各乡镇人民政府", "长期坚持"],
      ["二、水污染防治", "", "", "", ""],
      ["4", "县城污水处理厂提标改造", "县住房城乡建设局", "县生态环境局", "2026年10月底前"],
      ["5", "城区雨污分流改造", "", "城关镇人民政府", "2026年12月底前"],
      ["6", "农村黑臭水体排查整治", "县生态环境局", "县农业农村局、县水利局", "2026年11月底前"]],
     # merges: ((row, col), (row, col)) — section rows across the table, lead units over two rows
     [((1, 0), (1, 4)), ((5, 0), (5, 4)), ((2, 2), (3, 2)), ((6, 2), (7, 2))]),
    ("p", "抄送：县委办公室，县人大常委会办公室，县政协办公室。"),
    ("p", "青禾县人民政府办公室　　　　　　　　2026年3月5日印发"),
]


def build_docx(path: str | Path) -> Path:
    import docx
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.oxml.ns import qn
    from docx.shared import Pt

    d = docx.Document()
    install_numbering(d)
    normal = d.styles["Normal"]
    normal.font.name = "FangSong"
    normal.font.size = Pt(14)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "仿宋_GB2312")
    section = d.sections[0]
    section.header.paragraphs[0].text = "青禾县人民政府办公室"
    section.header.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    add_page_field(footer)
    props = d.core_properties
    props.title = TITLE
    props.author = "青禾县人民政府办公室"
    props.last_modified_by = "taizhang"
    props.created = props.modified = dt.datetime(2026, 3, 5, 9, 0, 0)
    props.revision = 1

    for item in COVER + PLAN:
        kind = item[0]
        if kind == "p":
            d.add_paragraph(item[1])
        elif kind == "n":
            numbered(d, item[2], OUTLINE, item[1], style=None)
        elif kind == "c":
            numbered(d, item[1], CIRCLED)
        elif kind == "title":
            p = d.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = p.add_run(item[1])
            run.bold = True
            run.font.size = Pt(18)
        elif kind == "center":
            d.add_paragraph(item[1]).alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif kind == "right":
            d.add_paragraph(item[1]).alignment = WD_ALIGN_PARAGRAPH.RIGHT
        elif kind == "break":
            d.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        elif kind == "table":
            rows, merges = item[1], item[2]
            table = d.add_table(rows=len(rows), cols=len(rows[0]))
            table.style = "Table Grid"
            table.alignment = WD_TABLE_ALIGNMENT.CENTER
            for r, values in enumerate(rows):
                for c, value in enumerate(values):
                    table.cell(r, c).text = value
                    if r == 0:
                        for run in table.cell(r, c).paragraphs[0].runs:
                            run.bold = True
            for (r1, c1), (r2, c2) in merges:
                keep = rows[r1][c1]
                merged = table.cell(r1, c1).merge(table.cell(r2, c2))
                merged.text = keep
    path = Path(path)
    d.save(path)
    return path


def build_txt(docx_path: str | Path, path: str | Path) -> Path:
    from taizhang.read import read_document

    path = Path(path)
    path.write_text(read_document(docx_path).text, encoding="utf-8", newline="\n")
    return path


def build(outdir: str | Path | None = None) -> tuple[Path, Path]:
    outdir = Path(outdir) if outdir else Path(__file__).resolve().parent
    outdir.mkdir(parents=True, exist_ok=True)
    docx_path = build_docx(outdir / "sample_plan.docx")
    return docx_path, build_txt(docx_path, outdir / "sample_plan.txt")


if __name__ == "__main__":
    for p in build(sys.argv[1] if len(sys.argv) > 1 else None):
        print(p)
