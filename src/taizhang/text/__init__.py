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

    Lines broken inside a sentence are joined outside tables only; paragraphs that a join brings onto one line
    become one paragraph.
    """
    norm = normalise(doc.text)
    m = norm.map
    if m.identity:
        return replace(doc, text=norm.text, blocks=list(doc.blocks)), m
    fwd = m.from_source
    blocks: list = []
    for b in doc.blocks:
        if isinstance(b, Table):
            rows = [[Cell(c.row, c.col, fwd(c.start), fwd(c.end), c.merged_from, c.row_span, c.col_span)
                     for c in row] for row in b.rows]
            blocks.append(Table(fwd(b.start), fwd(b.end), rows))
            continue
        s, e = fwd(b.start), fwd(b.end)
        prev = blocks[-1] if blocks else None
        if isinstance(prev, Paragraph) and "\n" not in norm.text[prev.end:s]:
            prev.end = e  # joined onto the line before
            continue
        blocks.append(Paragraph(s, e, style=b.style, numbering=b.numbering))
    return replace(doc, text=norm.text, blocks=blocks), m
