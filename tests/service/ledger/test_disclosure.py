"""The public disclosure (services.queries.disclosure): published documents and their tasks only, without
personal data."""

from __future__ import annotations

from taizhang.service.ledger import services


def test_disclosure_lists_only_published_without_personal_data(published, import_plan, plan_text):
    import_plan(text=plan_text + "（征求意见稿）\n", name="draft.txt")
    out = services.disclosure()
    assert [d["id"] for d in out] == [published.pk]
    assert [t["number"] for t in out[0]["tasks"]] == ["二.（一）", "二.（二）", "二.（三）"]
    assert out[0]["tasks"][0]["lead_units"] == ["桐溪县生态环境局"]
    assert out[0]["tasks"][0]["state_label"] == "推进中"
    assert "liaison_a" not in repr(out)
