"""Document metadata and body start: invented cover notices, and the dev gold (needs ../shared)."""

from __future__ import annotations

import pytest

from taizhang.document import SourceDocument
from taizhang.segment.metadata import extract_metadata, parse_date_line, region_of


def meta(text):
    return extract_metadata(SourceDocument(name="t.txt", sha256="", text=text))


COVER = """临江县人民政府办公室文件

临政办发〔2020〕18号

县政府办公室关于印发
临江县水污染防治
攻坚行动方案的通知
各乡镇人民政府，县各有关部门：
现将《临江县水污染防治攻坚行动方案》印发给你们，请认真贯彻执行。
                临江县人民政府办公室
                二〇二〇年三月五日
（此件公开发布）
临江县水污染防治
攻坚行动方案
为持续改善水环境质量，制定本方案。
一、工作目标
"""


def test_cover_notice():
    m, body = meta(COVER)
    assert m.title == "临江县水污染防治攻坚行动方案"
    assert m.doc_number == "临政办发〔2020〕18号"
    assert m.issuer == "临江县人民政府办公室"
    assert m.issue_date == "2020-03-05"
    assert m.region == "临江县"
    assert COVER[body:].startswith("临江县水污染防治\n攻坚行动方案")


def test_header_issuer_without_signature_and_square_brackets():
    text = ("青石区生态环境局文件\n青环发[2021]7号\n关于印发青石区扬尘治理工作方案的通知\n各街道：\n"
            "现印发给你们。\n2021年4月2日\n青石区扬尘治理工作方案\n一、总体要求\n")
    m, body = meta(text)
    assert m.doc_number == "青环发[2021]7号"
    assert m.issuer == "青石区生态环境局"
    assert m.title == "青石区扬尘治理工作方案"
    assert m.issue_date == "2021-04-02" and m.region == "青石区"
    assert text[body:].startswith("青石区扬尘治理工作方案")


def test_no_cover_notice():
    text = "南湖市贯彻落实省生态环境保护督察反馈意见整改落实情况\n\n2023年以来，我市……\n"
    m, body = meta(text)
    assert body == 0
    assert m.title == "南湖市贯彻落实省生态环境保护督察反馈意见整改落实情况"
    assert m.region == "南湖市" and m.doc_number is None and m.issuer is None and m.issue_date is None


def test_dates_and_regions():
    assert parse_date_line("  二〇一九年十二月三十一日 ").isoformat() == "2019-12-31"
    assert parse_date_line("2019年6月18日").isoformat() == "2019-06-18"
    assert parse_date_line("2019年6月18日印发") is None
    assert region_of("江州市东城区贯彻落实整改方案") == "东城区"
    assert region_of("江州高新区（东城区）党政办公室") == "东城区"
    assert region_of(None) is None


@pytest.mark.shared
def test_dev_gold_document(shared_dir):
    from test_deadlines import gold_module

    gf = gold_module()
    res = gf.eval_metadata(gf.load(shared_dir))
    assert res["document_acc"] == 1.0, res["misses"]


def test_cover_letter_without_its_notice_title():
    text = ("各乡镇人民政府，县直各有关单位：\n"
            "《石岭县水污染防治工作方案》已经县政府同意，现印发给你们，请认真组织实施。\n"
            "石岭县人民政府办公室\n2018年3月9日\n石岭县水污染防治工作方案\n一、总体要求\n")
    m, body = meta(text)
    assert m.title == "石岭县水污染防治工作方案" and m.issuer == "石岭县人民政府办公室"
    assert m.issue_date == "2018-03-09" and m.region == "石岭县"
    assert text[body:].startswith("石岭县水污染防治工作方案")


def test_issuer_above_its_notice_and_doc_number_after_it():
    text = ("枫政〔2019〕21号\n枫林县人民政府\n关于印发枫林县清洁水体行动计划的通知\n各乡镇人民政府：\n"
            "现将《枫林县清洁水体行动计划》印发给你们，请认真贯彻执行。\n2019年5月6日\n枫林县清洁水体行动计划\n")
    m, _ = meta(text)
    assert (m.doc_number, m.issuer, m.title) == ("枫政〔2019〕21号", "枫林县人民政府", "枫林县清洁水体行动计划")
    text2 = ("枫林县人民政府关于印发《枫林县清洁水体行动计划》的通知\n\n枫政规〔2019〕3号\n\n各乡镇人民政府：\n"
             "现将《枫林县清洁水体行动计划》印发给你们。\n枫林县人民政府\n2019年5月6日\n枫林县清洁水体行动计划\n")
    assert meta(text2)[0].doc_number == "枫政规〔2019〕3号"


def test_a_notice_page_signed_at_its_end():
    text = ("关于省级督察交办问题整改销号情况的公示\n根据有关规定，现将整改情况公示如下。\n一、问题：某厂废水直排。\n"
            "二、整改情况：已完成整改。\n联系电话：0000-1234567\n河口县水利局\n2022年8月1日\n")
    m, _ = meta(text)
    assert m.title == "关于省级督察交办问题整改销号情况的公示"
    assert (m.issuer, m.issue_date, m.region) == ("河口县水利局", "2022-08-01", "河口县")
    m2, _ = meta("河口县整改办公室关于第3项问题整改销号情况的公示\n发布时间：2022-08-01\n问题编号3：某厂废水直排。\n")
    assert m2.issuer == "河口县整改办公室" and m2.region == "河口县"


def test_fields_outside_the_usual_cover():
    # a news lead before the plan's title, the title ending in its years
    m, _ = meta("近日，甲市印发《甲市清洁空气行动方案（2023—2025年）》。全文如下：\n甲市清洁空气行动方案（2023—2025年）\n"
                "一、总体要求\n")
    assert (m.title, m.region) == ("甲市清洁空气行动方案（2023—2025年）", "甲市")
    # a content site's list heading before the title
    m, _ = meta("第3篇：整改措施清单\n乙州落实督察反馈意见整改措施清单\n一、认识不深\n")
    assert m.title == "乙州落实督察反馈意见整改措施清单"
    # the issuer in the notice header, no signature
    m, _ = meta("丙市污染防治攻坚指挥部关于印发丙市2022年度大气污染防治实施计划的通知\n各县（市、区）：\n"
                "现将《丙市2022年度大气污染防治实施计划》印发给你们。\n")
    assert (m.issuer, m.title) == ("丙市污染防治攻坚指挥部", "丙市2022年度大气污染防治实施计划")
    # a doc number in a page's metadata block; a province named inside the title
    m, _ = meta("索引号：001/2014-1\n发文字号：丁政办发〔2014〕12号\n成文日期：2014-07-16\n"
                "中央环境保护督察反馈意见江西省整改进展清单\n一、关于某问题\n")
    assert (m.doc_number, m.region) == ("丁政办发〔2014〕12号", "江西省")
