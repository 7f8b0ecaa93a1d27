"""Text normalisation and the shared Chinese-text basics (see :mod:`taizhang.text.normalise`,
:mod:`taizhang.text.basics`).

:func:`normalise_document` gives the document every extractor reads: its text in normal form, its blocks moved
onto that text, and the :class:`OffsetMap` that takes every span back to the text as the reader produced it.
"""

from __future__ import annotations

from dataclasses import replace

from taizhang.document import Cell, Paragraph, SourceDocument, Table
from taizhang.text.normalise import Normalised, OffsetMap, comparable, fold, normalise

__all__ = ["Normalised", "OffsetMap", "comparable", "fold", "normalise", "normalise_document"]


def normalise_document(doc: SourceDocument) -> tuple[SourceDocument, OffsetMap]:
    """The document in normal form and the map of its positions back to ``doc.text``.

    Tables keep their cells (moved onto the normal text); outside them every non-blank line of the normal text is
    a paragraph, so lines the normal form joins or splits (taizhang.text.normalise) are paragraphs as they read.
    """
    from taizhang.read.common import is_page_number, stripped_span

    norm = normalise(doc.text)
    m = norm.map
    if m.identity:
        return replace(doc, text=norm.text, blocks=list(doc.blocks)), m
    fwd = m.from_source
    text = norm.text
    tables = []
    for b in doc.blocks:
        if isinstance(b, Table):
            rows = [[Cell(c.row, c.col, fwd(c.start), fwd(c.end), c.merged_from, c.row_span, c.col_span,
                          tuple((fwd(a), fwd(z)) for a, z in c.more)) for c in row] for row in b.rows]
            tables.append(Table(fwd(b.start), fwd(b.end), rows))
    blocks: list = []
    pos = 0
    ti = 0
    for line in text.split("\n"):
        a, e = pos, pos + len(line)
        pos = e + 1
        while ti < len(tables) and tables[ti].end <= a:
            blocks.append(tables[ti])
            ti += 1
        if ti < len(tables) and tables[ti].start <= a:
            continue  # a line of a table
        s, t_end = stripped_span(text, a, e)
        if t_end > s and not is_page_number(text[s:t_end]):
            blocks.append(Paragraph(s, t_end))
    blocks += tables[ti:]
    return replace(doc, text=text, blocks=blocks), m
