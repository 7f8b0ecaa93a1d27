"""What a reader produces: one plain text plus its structure, with character offsets into that text.

Every reader (``taizhang.read``) returns a :class:`SourceDocument`. ``text`` is the single plain text that all
spans of the pipeline point into (``taizhang extract FILE --format text`` prints it). ``blocks`` cover the
text in order: paragraphs (one line of ``text`` each) and tables (rows of cells; each cell's text is a
substring of ``text`` at ``[start, end)``).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Paragraph:
    start: int
    end: int  # exclusive; text[start:end] is the paragraph without its line break
    style: str | None = None  # e.g. the Word style name ("Heading 1") where known
    numbering: str | None = None  # automatic list label rendered into the text (e.g. "（一）"), if any
    kind: str = "paragraph"


@dataclass
class Cell:
    row: int
    col: int
    start: int
    end: int
    # For a cell covered by a merge: the (row, col) of the cell that carries the text. Its start/end then
    # point at that origin cell's text, so every covered cell reads the merged value.
    merged_from: tuple[int, int] | None = None
    row_span: int = 1
    col_span: int = 1
    # Lines the cell's text wraps onto in a table typed one row a line (the cell's own text, not its neighbours'
    # on those lines): spans of ``text``, in order.
    more: tuple[tuple[int, int], ...] = ()


@dataclass
class Table:
    start: int
    end: int
    rows: list[list[Cell]] = field(default_factory=list)
    kind: str = "table"


Block = Paragraph | Table


@dataclass
class SourceDocument:
    name: str  # file name as given (no directories)
    sha256: str  # of the original bytes
    text: str  # NFC-normalised plain text; all spans index into it
    blocks: list[Block] = field(default_factory=list)
    format: str = "txt"  # txt | docx | pdf
    encoding: str | None = None  # for .txt: the detected encoding
    pages: int | None = None  # for .pdf
    size: int = 0  # bytes of the original

    def paragraphs(self) -> list[Paragraph]:
        return [b for b in self.blocks if isinstance(b, Paragraph)]

    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]
