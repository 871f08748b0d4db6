"""Import a filled-in workbook, CSV files or a JSON export, written the way staff write.

Everything is read and checked first; only when no problem is left is anything written,
all of it in one transaction. Free text is read into codes (materials, sectors,
destinations) with the staff's words kept beside them; what cannot be read with
confidence is imported for review, never guessed. Each problem names the sheet, rows,
column and value as the user sees them, and says how to fix it.

One module per sheet (:mod:`.parks`, :mod:`.organisations`, :mod:`.flows`,
:mod:`.listings`, :mod:`.exchanges`, :mod:`.recp`) over a shared row checker
(:mod:`.checker`) and cell reader (:mod:`.columns`); :mod:`.job` runs an import.
"""

from parkloop.services.importing.job import import_path, import_rows
from parkloop.services.importing.report import Change, ImportReport, Reading, SheetCount
from parkloop.services.problems import ImportProblems, Problem
from parkloop.services.sources import UnreadableFile

__all__ = [
    "Change",
    "ImportProblems",
    "ImportReport",
    "Problem",
    "Reading",
    "SheetCount",
    "UnreadableFile",
    "import_path",
    "import_rows",
]
