"""Reading, checking and writing the content files of content/ (see content/README.md).

Each kind's files are declared once, with their fields' types, in formats.py;
the reader, the writer and the exporter are driven by those declarations (a kind
shaped like the disease pages needs no code of its own in them).

`read_content(root)` reads and checks every file and returns the whole
content, or raises ContentErrors listing every problem with its file, line and
field (document.py, reader.py). `write_content(content)` then writes it in one
transaction, matching each object by its key and saving only what changed, so
that loading the same files twice changes nothing (writer.py).
`export_content(root)` writes the working versions back as files (exporter.py).
"""

from .document import KEY_PATTERN, ContentErrors, Document, Problem
from .exporter import export_content
from .reader import Content, read_content
from .writer import ContentConflicts, write_content

__all__ = [
    "KEY_PATTERN",
    "Content",
    "ContentConflicts",
    "ContentErrors",
    "Document",
    "Problem",
    "export_content",
    "read_content",
    "write_content",
]
