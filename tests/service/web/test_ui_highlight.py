"""Source highlighting for the review and task-detail screens: nested spans, escaping, windows."""

from __future__ import annotations

from html.parser import HTMLParser

from taizhang.service.web.highlight import Span, context_window, highlight


class _Checker(HTMLParser):
    """Fails on mis-nested tags; collects the text covered by each data-task value."""

    def __init__(self):
        super().__init__()
        self.stack: list[dict] = []
        self.by_task: dict[str, str] = {}
        self.text = ""

    def handle_starttag(self, tag, attrs):
        self.stack.append({"tag": tag, **dict(attrs)})

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1]["tag"] == tag
        self.stack.pop()

    def handle_data(self, data):
        self.text += data
        for frame in self.stack:
            if "data-task" in frame:
                self.by_task[frame["data-task"]] = self.by_task.get(frame["data-task"], "") + data


def _parse(html: str) -> _Checker:
    c = _Checker()
    c.feed(html)
    c.close()
    assert not c.stack
    return c


def test_nested_and_overlapping_spans_are_well_formed_and_cover_their_text():
    text = "一、加强扬尘治理。由市住建局牵头，2025年底前完成。<其他>"
    task = Span(0, 26, "task", (("data-task", "7"),))
    unit = Span(text.index("市住建局"), text.index("市住建局") + 4, "unit")
    # an overlapping span crossing the task's end
    odd = Span(24, 30, "deadline", (("data-task", "8"),))
    html = highlight(text, [unit, task, odd])
    c = _parse(html)
    assert c.text == text  # nothing lost, "<其他>" escaped and restored by the parser
    assert c.by_task["7"] == text[0:26]
    assert c.by_task["8"] == text[24:30]
    assert "&lt;其他" in html and "<其他" not in html
    assert '<mark class="task" data-task="7"><mark class="unit">市住建局</mark></mark>' in html


def test_window_clips_spans_and_keeps_whole_lines():
    text = "标题\n" + "甲" * 50 + "目标句子" + "乙" * 50 + "\n下一段"
    s = text.index("目标句子")
    a, b = context_window(text, s, s + 4, margin=20)
    assert text[a:b].startswith("甲") and text[a:b].endswith("乙")
    html = highlight(text, [Span(s, s + 4, "task")], a, b)
    assert "<mark class=\"task\">目标句子</mark>" in html
    assert "标题" not in html and "下一段" not in html
