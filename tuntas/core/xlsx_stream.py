"""Stream the first worksheet of an XLSX workbook row by row, in flat memory.

python-calamine reads a whole sheet into memory before the first row comes out (about 0.9 GB for
a million rows); this reader inflates the sheet part of the zip in blocks and keeps only one
block of XML at a time. Only the shared strings are held (cells refer to them by index from
anywhere in the sheet), packed: 4,096 strings joined into one ``str`` plus two 4-byte offsets
each, about 25 bytes for a 16-digit NIK where a ``str`` of its own takes 80.

Cells come out with the same Python values python-calamine gives for them, so the validation
reads both alike: numbers are ``float``; a number with a date or time format (``styles.xml``,
built-in or custom, in the workbook's 1900 or 1904 date system) is a ``date`` when whole, a
``datetime`` when it has a time of day, a ``time`` below 1 and a ``timedelta`` for elapsed-time
formats such as ``[h]:mm``; text is ``str`` (``<t>`` trimmed unless ``xml:space="preserve"``,
``_xHHHH_`` escapes decoded); booleans are ``bool``. One deliberate difference: an error cell
(``#N/A``, ``#DIV/0!``) is its text here, where calamine gives ``""``.

A row is ``Row(number, cells)``: the row number the spreadsheet shows and the cells at their
column index (``A`` is 0) up to the last non-empty one; a row with no cell value at all is not
yielded (``open_table`` drops blank rows anyway).

Speed: nearly every sheet is written in one shape (``<c r="B7" s="1" t="s"><v>3</v></c>``), so
a block of whole rows is split into cells by one regular expression, checked to have matched
every cell of the block; a block with anything else (rich text, comments, CDATA, cells without
a reference, line breaks to normalise) is parsed by expat instead, with the same results. A
million rows of nine columns take about 10 s the first way and about 38 s the second (2 cores).

Why it is kept (``benchmarks/infrastruktur.py``, 5 December 2026, this project's 2-core machine,
1,000,000 rows × 9 text columns, 57 MB workbook, three alternating runs each, same row count and
cell digest on both sides): this reader 10.8 s median and 74 MB peak; openpyxl 3.1.5 read-only
(``iter_rows(values_only=True)``) 88.1 s and 150 MB — 8.2× the time and 2.0× the memory.
"""

from __future__ import annotations

import codecs
import posixpath
import re
import zipfile
import zlib
from array import array
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import IO, Any
from xml.etree import ElementTree
from xml.parsers import expat

from tuntas.core.rows import Row, TableError

__all__ = ["NotStreamable", "SheetReader", "StreamBroken", "is_date_format", "open_first_sheet"]

_BLOCK = 1 << 20  # inflated bytes read at a time
_MAX_PENDING = 8 << 20  # text kept waiting for the end of a row before cutting elsewhere
_XML_WS = " \t\r\n"
_XML_NS = "{http://www.w3.org/XML/1998/namespace}"
_REL_OFFICE = "/officeDocument"
_REL_WORKSHEET = "/worksheet"
_REL_SHARED = "/sharedStrings"
_REL_STYLES = "/styles"

# Cell kinds, from the cell's t attribute and its style.
_NUMBER, _DATETIME, _DURATION, _SHARED, _INLINE, _TEXT, _BOOL, _ERROR, _ISODATE = range(9)
_BY_TYPE = {
    "s": _SHARED,
    "inlineStr": _INLINE,
    "str": _TEXT,
    "b": _BOOL,
    "e": _ERROR,
    "d": _ISODATE,
}

_EPOCH = datetime(1899, 12, 30)
_MS_PER_DAY = 86_400_000.0
_1904_OFFSET = 1462.0  # days from 1900-01-00 to 1904-01-01 as Excel counts them
_BUILTIN_DATES = {14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 47}
_BUILTIN_DURATIONS = {46}
_DATE_CACHE_MAX = 100_000


class NotStreamable(Exception):
    """Not an XLSX this reader handles (XLSB, ODS, a chart sheet first, an XML encoding other
    than UTF-8, ...): read the file another way."""


class StreamBroken(Exception):
    """A block of the sheet XML does not parse: markup inside a comment or CDATA cut it in the
    wrong place, or the XML is not well formed. Rows up to ``last_row`` were yielded."""

    def __init__(self, last_row: int, reason: str) -> None:
        super().__init__(reason)
        self.last_row = last_row


def _bad(exc: BaseException | str) -> TableError:
    return TableError(f"Buku kerja tidak dapat dibaca (rusak atau bukan Excel): {exc}")


# --- number formats ------------------------------------------------------------------------------


def is_date_format(code: str) -> int:
    """``_DATETIME`` when the number format shows a date or time, ``_DURATION`` for elapsed time
    (``[h]:mm``), else ``_NUMBER``. The first section decides; quoted text, escaped and
    fill/padding characters and bracketed colours, locales and conditions do not count."""
    skip_next = quoted = False
    bracket = ""
    in_bracket = False
    after_a = False
    for char in code:
        if skip_next:
            skip_next = False
        elif quoted:
            quoted = char != '"'
        elif in_bracket:
            if char == "]":
                in_bracket = False
                letters = bracket.lower()
                if letters and letters[0] in "hms" and letters == letters[0] * len(letters):
                    return _DURATION
            else:
                bracket += char
        elif char in "\\_*":
            skip_next = True
        elif char == '"':
            quoted = True
        elif char == ";":
            break
        elif char == "[":
            in_bracket, bracket = True, ""
        elif after_a:
            if char in "pPmM/":  # AM/PM, A/P
                return _DATETIME
        elif char in "aA":
            after_a = True
        elif char in "dmyhsDMYHS":
            return _DATETIME
    return _NUMBER


def _rust_round(x: float) -> int:
    """Round half away from zero (as calamine does), not half to even."""
    return int(x + 0.5) if x >= 0 else -int(-x + 0.5)


def excel_datetime(value: float, date1904: bool) -> Any:
    """A date-formatted number as calamine gives it: ``time`` below 1, ``date`` when whole,
    else ``datetime`` (millisecond precision); the number itself when out of range."""
    days = value + _1904_OFFSET if date1904 else value
    if days < 60.0:
        days += 1.0  # Excel's phantom 29 February 1900
    try:
        ms = _rust_round(days * _MS_PER_DAY)
        if value < 1.0:
            ms %= 86_400_000
            return time(ms // 3_600_000, ms // 60_000 % 60, ms // 1000 % 60, ms % 1000 * 1000)
        moment = _EPOCH + timedelta(milliseconds=ms)
    except (OverflowError, ValueError):
        return value
    if value == int(value):
        return moment.date()
    return moment


def excel_duration(value: float) -> Any:
    try:
        return timedelta(milliseconds=_rust_round(value * _MS_PER_DAY))
    except (OverflowError, ValueError):
        return value


def _iso_date(text: str) -> Any:
    """A ``t="d"`` cell (ISO 8601 text): ``datetime`` with a ``T``, ``time`` with a ``:``,
    else ``date``; the text itself when it does not parse."""
    try:
        if "T" in text:
            moment = datetime.fromisoformat(text)
            return text if moment.tzinfo is not None else moment
        if ":" in text:
            clock = time.fromisoformat(text)
            return text if clock.tzinfo is not None else clock
        return date.fromisoformat(text)
    except ValueError:
        return text


# --- text ----------------------------------------------------------------------------------------

_ENTITY = re.compile(r"&(?:#x([0-9A-Fa-f]+)|#([0-9]+)|(lt|gt|amp|quot|apos));")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}
_OOXML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _entity(match: re.Match[str]) -> str:
    hex_code, dec_code, name = match.groups()
    if name:
        return _NAMED[name]
    try:
        return chr(int(hex_code, 16) if hex_code else int(dec_code))
    except (ValueError, OverflowError):
        return match[0]


def _unescape(text: str) -> str:
    return _ENTITY.sub(_entity, text) if "&" in text else text


def _ooxml_char(match: re.Match[str]) -> str:
    code = int(match[1], 16)
    return match[0] if 0xD800 <= code <= 0xDFFF else chr(code)


def _decode_ooxml(text: str) -> str:
    """``_x000D_`` → carriage return: how OOXML writes characters XML cannot hold."""
    return _OOXML_ESCAPE.sub(_ooxml_char, text) if "_x" in text else text


# --- column letters ------------------------------------------------------------------------------

_COLUMNS: dict[str, int] = {}


def _column_index(letters: str) -> int:
    index = _COLUMNS.get(letters)
    if index is None:
        index = 0
        for char in letters:
            index = index * 26 + ord(char) - 64
        index -= 1
        if len(_COLUMNS) < 20_000:
            _COLUMNS[letters] = index
    return index


for _first in [""] + [chr(c) for c in range(65, 91)]:
    for _second in range(65, 91):
        _column_index(_first + chr(_second))


# --- the package ---------------------------------------------------------------------------------


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _rel_attr(element: ElementTree.Element, name: str) -> str | None:
    """An attribute in the relationships namespace (``r:id``), whatever its URI (transitional or
    strict)."""
    for key, value in element.attrib.items():
        if key.startswith("{") and key.endswith("}" + name) and "relationships" in key:
            return value
    return None


class _Package:
    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        self.names = {info.filename.lstrip("/"): info.filename for info in archive.infolist()}
        self.lower = {name.lower(): real for name, real in self.names.items()}

    def find(self, part: str) -> str | None:
        part = part.lstrip("/")
        return self.names.get(part) or self.lower.get(part.lower())

    def read_xml(self, part: str) -> ElementTree.Element:
        name = self.find(part)
        if name is None:
            raise NotStreamable(f"bagian {part} tidak ada")
        try:
            return ElementTree.fromstring(self.archive.read(name))
        except ElementTree.ParseError as exc:
            raise _bad(f"{part}: {exc}") from exc

    def rels(self, part: str) -> list[tuple[str, str, str]]:
        """(Id, Type, target part) of a part's relationships; targets resolved to part names."""
        folder, base = posixpath.split(part.lstrip("/"))
        rels_part = posixpath.join(folder, "_rels", base + ".rels")
        if self.find(rels_part) is None:
            return []
        out = []
        for rel in self.read_xml(rels_part):
            if _local(rel.tag) != "Relationship" or rel.get("TargetMode") == "External":
                continue
            target = rel.get("Target", "")
            resolved = (
                target.lstrip("/")
                if target.startswith("/")
                else posixpath.normpath(posixpath.join(folder, target))
            )
            out.append((rel.get("Id", ""), rel.get("Type", ""), resolved))
        return out


_CHUNK_BITS = 12
_OFFSET = "I" if array("I").itemsize >= 4 else "L"  # 4 bytes where C ints have them


class SharedStrings:
    """The shared strings, packed: string ``i`` is ``chunks[i >> 12][starts[i]:ends[i]]``. A
    chunk with a character beyond Latin-1 widens only its own 4,096 strings."""

    def __init__(self) -> None:
        self.chunks: list[str] = []
        self.starts = array(_OFFSET)
        self.ends = array(_OFFSET)
        self._parts: list[str] = []
        self._size = 0

    def append(self, text: str) -> None:
        self.starts.append(self._size)
        self._size += len(text)
        self.ends.append(self._size)
        self._parts.append(text)
        if len(self._parts) == 1 << _CHUNK_BITS:
            self.close()

    def close(self) -> None:
        """Join the strings appended since the last chunk into one."""
        if self._parts:
            self.chunks.append("".join(self._parts))
            self._parts, self._size = [], 0

    def __len__(self) -> int:
        return len(self.starts)

    def __getitem__(self, index: int) -> str:
        if not 0 <= index < len(self.starts):
            raise IndexError(index)
        return self.chunks[index >> _CHUNK_BITS][self.starts[index] : self.ends[index]]


def open_first_sheet(path: str) -> SheetReader:
    """Open the workbook and read what the rows need (first sheet, date system, number formats,
    shared strings). :class:`NotStreamable` when this is not an XLSX this reader handles;
    :class:`TableError` when it is one but is broken."""
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise _bad(exc) from exc
    try:
        return SheetReader(_Package(archive))
    except BaseException:
        archive.close()
        raise


class SheetReader:
    """The first worksheet of an open XLSX; iterate it for its rows (once)."""

    def __init__(self, package: _Package) -> None:
        self.package = package
        try:
            self._open()
        except NotImplementedError as exc:  # a compression method zipfile lacks
            raise NotStreamable(str(exc)) from exc
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError) as exc:
            raise _bad(exc) from exc

    def _open(self) -> None:
        package = self.package
        workbook_part = next(
            (t for _, kind, t in package.rels("") if kind.endswith(_REL_OFFICE)),
            "xl/workbook.xml",
        )
        if package.find(workbook_part) is None or not workbook_part.endswith(".xml"):
            raise NotStreamable("bukan buku kerja XLSX")  # XLSB, ODS, another zip
        workbook = package.read_xml(workbook_part)
        self.date1904 = False
        first_id = None
        for element in workbook.iter():
            name = _local(element.tag)
            if name == "workbookPr":
                self.date1904 = element.get("date1904", "").lower() in ("1", "true")
            elif name == "sheet" and first_id is None:
                first_id = _rel_attr(element, "id")
        if first_id is None:
            raise TableError("Buku kerja tidak memiliki lembar kerja.")
        rels = package.rels(workbook_part)
        sheet = next(((k, t) for i, k, t in rels if i == first_id), None)
        if sheet is None or not sheet[0].endswith(_REL_WORKSHEET):
            raise NotStreamable("lembar pertama bukan lembar kerja")
        self.sheet_part = sheet[1]
        sheet_name = package.find(self.sheet_part)
        if sheet_name is None:
            raise _bad(f"bagian {self.sheet_part} tidak ada")
        package.archive.open(sheet_name).close()  # NotImplementedError: compression not known
        styles = next((t for _, k, t in rels if k.endswith(_REL_STYLES)), None)
        self.style_kinds = self._style_kinds(styles)
        strings = next((t for _, k, t in rels if k.endswith(_REL_SHARED)), None)
        self.shared = SharedStrings()
        if strings:
            self._shared_strings(strings, self.shared)
        self._kinds: dict[str, int] = {}

    # styles ----------------------------------------------------------------------------------

    def _style_kinds(self, part: str | None) -> list[int]:
        """For each cell style (``s``), whether its number format is a date or a duration."""
        if part is None or self.package.find(part) is None:
            return []
        root = self.package.read_xml(part)
        formats: dict[int, str] = {}
        xfs: list[int] = []
        for section in root:
            name = _local(section.tag)
            if name == "numFmts":
                for fmt in section:
                    try:
                        formats[int(fmt.get("numFmtId", ""))] = fmt.get("formatCode", "")
                    except ValueError:
                        continue
            elif name == "cellXfs":
                for xf in section:
                    try:
                        xfs.append(int(xf.get("numFmtId", "0")))
                    except ValueError:
                        xfs.append(0)
        kinds = []
        for fmt_id in xfs:
            if fmt_id in formats:
                kinds.append(is_date_format(formats[fmt_id]))
            elif fmt_id in _BUILTIN_DATES:
                kinds.append(_DATETIME)
            elif fmt_id in _BUILTIN_DURATIONS:
                kinds.append(_DURATION)
            else:
                kinds.append(_NUMBER)
        return kinds

    def _kind(self, t: str | None, s: str | None) -> int:
        if t and t != "n":
            return _BY_TYPE.get(t, _TEXT)
        if s is None:
            return _NUMBER
        try:
            index = int(s)
            return self.style_kinds[index] if index >= 0 else _NUMBER
        except (ValueError, IndexError):
            return _NUMBER

    def _kind_of_attrs(self, attrs: str) -> int:
        """The kind of a cell from its attributes after ``r`` (`` s="1" t="s"``), cached: a
        sheet has few distinct ones."""
        kind = self._kinds.get(attrs)
        if kind is None:
            found = dict(_ATTR.findall(attrs))
            kind = self._kinds[attrs] = self._kind(found.get("t"), found.get("s"))
        return kind

    # shared strings --------------------------------------------------------------------------

    def _shared_strings(self, part: str, strings: SharedStrings) -> None:
        append = strings.append
        for block, prefix, namespaces, amp in _blocks(self.package, part, "sst", "si"):
            tokens = _shared_pattern(prefix).findall(block)
            if tokens and len(tokens) == block.count("<" + prefix + "si") and _plain(block):
                for opener, text in tokens:
                    if opener and opener[-2] != '"':  # <t> without xml:space="preserve"
                        text = text.strip(_XML_WS)
                    if amp:
                        text = _unescape(text)
                    append(_decode_ooxml(text) if "_x" in text else text)
                continue
            try:
                container = _wrap(block, prefix, "sst", namespaces)
            except ElementTree.ParseError as exc:
                raise _bad(f"{part}: {exc}") from exc
            for si in container:
                if _local(si.tag) == "si":
                    append(_decode_ooxml(_string_text(si)))
        strings.close()

    # rows ------------------------------------------------------------------------------------

    def __iter__(self) -> Iterator[Row]:
        try:
            yield from self._rows()
        except (
            zipfile.BadZipFile,
            zlib.error,
            EOFError,
            OSError,
            RuntimeError,
            UnicodeDecodeError,
        ) as exc:
            raise _bad(exc) from exc
        finally:
            self.package.archive.close()

    def close(self) -> None:
        self.package.archive.close()

    def _rows(self) -> Iterator[Row]:
        chunks, starts, ends = self.shared.chunks, self.shared.starts, self.shared.ends
        date1904 = self.date1904
        kinds = self._kinds
        kind_of_attrs = self._kind_of_attrs
        columns = _COLUMNS
        column_index = _column_index
        dates: dict[str, Any] = {}
        durations: dict[str, Any] = {}
        last_row = 0
        for block, prefix, namespaces, amp in _blocks(
            self.package, self.sheet_part, "sheetData", "row"
        ):
            pattern = _cell_pattern(prefix)
            plain_inline = "<" + prefix + "is><" + prefix + "t>"
            tokens = pattern.findall(block)
            if not tokens or len(tokens) != block.count("<" + prefix + "c") or not _plain(block):
                for row in self._slow_rows(block, prefix, namespaces, last_row):
                    last_row = row.number
                    yield row
                continue
            current = ""
            cells: list[Any] = []
            for letters, number, attrs, opener, text in tokens:
                if number != current:
                    if cells:
                        last_row = int(current)
                        yield Row(last_row, tuple(cells))
                        cells = []
                    current = number
                if not text:
                    continue  # no value (a styled empty cell, a formula without its result)
                if amp and "&" in text:
                    text = _unescape(text)
                kind = kinds.get(attrs)
                if kind is None:
                    kind = kind_of_attrs(attrs)
                value: Any
                if kind == _SHARED:
                    try:
                        index = int(text)
                        value = chunks[index >> _CHUNK_BITS][starts[index] : ends[index]]
                    except (ValueError, IndexError):
                        index = -1
                    if index < 0:
                        raise _bad(f"sel {letters}{number}: teks bersama {text!r} tidak ada")
                elif kind == _INLINE:
                    value = text.strip(_XML_WS) if opener == plain_inline else text
                    if "_x" in value:
                        value = _decode_ooxml(value)
                elif kind == _NUMBER:
                    value = _number(text)
                elif kind == _DATETIME:
                    value = dates.get(text)
                    if value is None:
                        if len(dates) >= _DATE_CACHE_MAX:
                            dates.clear()
                        number_value = _number(text)
                        value = dates[text] = (
                            excel_datetime(number_value, date1904)
                            if type(number_value) is float
                            else number_value
                        )
                elif kind == _DURATION:
                    value = durations.get(text)
                    if value is None:
                        if len(durations) >= _DATE_CACHE_MAX:
                            durations.clear()
                        number_value = _number(text)
                        value = durations[text] = (
                            excel_duration(number_value)
                            if type(number_value) is float
                            else number_value
                        )
                else:
                    value = _other(kind, text)
                try:
                    col = columns[letters]
                except KeyError:
                    col = column_index(letters)
                size = len(cells)
                if col == size:
                    cells.append(value)
                elif col > size:
                    cells.extend([""] * (col - size))
                    cells.append(value)
                else:
                    cells[col] = value
            if cells:
                last_row = int(current)
                yield Row(last_row, tuple(cells))

    def _slow_rows(self, block: str, prefix: str, namespaces: str, last_row: int) -> Iterator[Row]:
        """Rows of a block through expat: any cell form, with the same values. (Prefixes are
        not resolved: elements are known by their local name, whatever their prefix.)"""
        collector = _ExpatRows(self, last_row)
        parser = expat.ParserCreate()
        parser.buffer_text = True
        parser.StartElementHandler = collector.start
        parser.EndElementHandler = collector.end
        parser.CharacterDataHandler = collector.text
        try:
            parser.Parse(f"<block>{block}</block>", True)
        except expat.ExpatError as exc:
            raise StreamBroken(last_row, str(exc)) from exc
        collector.flush()
        return iter(collector.rows)

    def value(self, kind: int, text: str, inline: str | None) -> Any:
        """A cell's value from its kind, the text of its ``<v>`` and that of its ``<is>``
        (``None`` without one); ``None`` for an empty cell."""
        if kind == _INLINE and inline is not None:
            return _decode_ooxml(inline) if inline else None
        if not text:
            return None
        if kind == _SHARED:
            if not text.isdigit() or int(text) >= len(self.shared):
                raise _bad(f"teks bersama {text!r} tidak ada")
            return self.shared[int(text)]
        if kind == _NUMBER:
            return _number(text)
        if kind == _DATETIME:
            value = _number(text)
            return excel_datetime(value, self.date1904) if type(value) is float else value
        if kind == _DURATION:
            value = _number(text)
            return excel_duration(value) if type(value) is float else value
        if kind == _INLINE:
            return _decode_ooxml(text)
        return _other(kind, text)


_LOCAL: dict[str, str] = {}


def _local_name(name: str) -> str:
    """``x:c`` → ``c`` (remembered for the few names a sheet uses)."""
    local = name.rpartition(":")[2]
    if len(_LOCAL) < 1000:
        _LOCAL[name] = local
    return local


class _ExpatRows:
    """expat handlers that gather the rows of one block (a few thousand at most)."""

    def __init__(self, reader: SheetReader, last_row: int) -> None:
        self.reader = reader
        self.rows: list[Row] = []
        self.kinds: dict[tuple[str | None, str | None], int] = {}
        self.row_number = last_row  # of the <row> being read
        self.current = 0  # of the cells being gathered
        self.cells: list[Any] = []
        self.column = -1
        self.number = 0
        self.kind = _NUMBER
        self.buffer: list[str] | None = None  # the text of the <v> or <t> being read
        self.v = ""
        self.inline: list[str] | None = None  # the <t> texts of the <is> being read
        self.preserve = False
        self.phonetic = 0

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = _LOCAL.get(name) or _local_name(name)
        if local == "c":
            number = self.row_number
            ref = attrs.get("r")
            letters = ref.rstrip("0123456789") if ref else ""
            if (
                ref
                and letters != ref
                and len(letters) <= 3
                and letters.isascii()
                and letters.isalpha()
            ):
                self.column = _column_index(letters.upper())
                number = int(ref[len(letters) :])
            else:
                self.column += 1
            if number != self.current:
                self.flush()
                self.current = number
            key = (attrs.get("t"), attrs.get("s"))
            kind = self.kinds.get(key)
            if kind is None:
                kind = self.kinds[key] = self.reader._kind(*key)
            self.kind, self.v, self.inline, self.phonetic = kind, "", None, 0
        elif local == "v":
            self.buffer = []
        elif local == "t":
            if self.inline is not None and not self.phonetic:
                self.buffer = []
                self.preserve = attrs.get("xml:space") == "preserve"
        elif local == "is":
            self.inline = []
        elif local == "rPh":
            self.phonetic += 1
        elif local == "row":
            try:
                self.row_number = int(attrs.get("r") or self.row_number + 1)
            except ValueError:
                self.row_number += 1
            self.column = -1

    def end(self, name: str) -> None:
        local = _LOCAL.get(name) or _local_name(name)
        if local == "c":
            inline = None if self.inline is None else "".join(self.inline)
            value = self.reader.value(self.kind, self.v, inline)
            if value is not None:
                cells, column = self.cells, self.column
                size = len(cells)
                if column >= size:
                    cells.extend([""] * (column - size))
                    cells.append(value)
                else:
                    cells[column] = value
            self.inline = None
        elif self.buffer is not None and local in ("v", "t"):
            text = "".join(self.buffer)
            self.buffer = None
            if local == "v":
                self.v = text
            elif self.inline is not None:
                self.inline.append(text if self.preserve else text.strip(_XML_WS))
        elif local == "rPh":
            self.phonetic -= 1

    def text(self, data: str) -> None:
        if self.buffer is not None:
            self.buffer.append(data)

    def flush(self) -> None:
        if self.cells:
            self.rows.append(Row(self.current, tuple(self.cells)))
            self.cells = []


# --- values --------------------------------------------------------------------------------------


def _number(text: str) -> Any:
    """``<v>`` of a number cell: a ``float``; text Rust's float parser (calamine's) would refuse
    stays text (Python also takes underscores, blanks around and non-ASCII digits)."""
    try:
        value = float(text)
    except ValueError:
        return text
    if text.isascii() and "_" not in text and text.strip() == text:
        return value
    return text


def _other(kind: int, text: str) -> Any:
    if kind == _TEXT:
        return _decode_ooxml(text)
    if kind == _BOOL:
        if text in ("1", "true"):
            return True
        if text in ("0", "false"):
            return False
        return text
    if kind == _ISODATE:
        return _iso_date(text)
    return text  # an error (#N/A, #DIV/0!) or an unknown type: its text


def _string_text(element: ElementTree.Element) -> str:
    """The text of ``<si>``/``<is>``: its ``<t>``, or the ``<t>`` of its rich-text runs ``<r>``,
    without phonetic runs (``<rPh>``); each ``<t>`` trimmed unless it preserves spaces."""
    parts = []
    for child in element:
        name = _local(child.tag)
        if name == "t":
            parts.append(_t_text(child))
        elif name == "r":
            parts.extend(_t_text(t) for t in child if _local(t.tag) == "t")
    return "".join(parts)


def _t_text(element: ElementTree.Element) -> str:
    text = element.text or ""
    return text if element.get(_XML_NS + "space") == "preserve" else text.strip(_XML_WS)


# --- XML blocks ----------------------------------------------------------------------------------

_ATTR = re.compile(r"""([\w:.-]+)\s*=\s*["']([^"']*)["']""")
_XMLNS = re.compile(r"""\sxmlns(:[\w.-]+)?\s*=\s*("[^"]*"|'[^']*')""")
_FIRST_TAG = re.compile(r"<(?![?!])[^>]*>")
_ENCODING = re.compile(rb"""^<\?xml[^>]*\bencoding\s*=\s*["']([^"']+)["']""")
_patterns: dict[tuple[str, str], re.Pattern[str]] = {}


def _cell_pattern(prefix: str) -> re.Pattern[str]:
    """A whole cell in the usual shape: column letters, row digits, the other attributes, how
    the value opens (``<v>``, ``<is><t>`` or ``<is><t xml:space="preserve">``) and its text. An
    optional formula before the value."""
    pattern = _patterns.get(("c", prefix))
    if pattern is None:
        p = re.escape(prefix)
        pattern = _patterns[("c", prefix)] = re.compile(
            rf'<{p}c r="([A-Z]{{1,3}})([0-9]+)"([^>/]*)(?:/>|>'
            rf"(?:<{p}f>[^<]*</{p}f>|<{p}f\b[^>]*/>|<{p}f\b[^>]*>[^<]*</{p}f>)?"
            rf'(?:(<{p}v>|<{p}is><{p}t>|<{p}is><{p}t xml:space="preserve">)([^<]*)'
            rf"(?:</{p}v>|</{p}t></{p}is>))?</{p}c>)"
        )
    return pattern


def _shared_pattern(prefix: str) -> re.Pattern[str]:
    pattern = _patterns.get(("si", prefix))
    if pattern is None:
        p = re.escape(prefix)
        pattern = _patterns[("si", prefix)] = re.compile(
            rf'<{p}si>(?:(<{p}t>|<{p}t xml:space="preserve">)([^<]*)</{p}t>)?</{p}si>|<{p}si/>'
        )
    return pattern


def _plain(block: str) -> bool:
    """No line break for XML to normalise, no comment, CDATA or processing instruction (one-
    character scans first: they are several times faster than two-character ones)."""
    return (
        "\r" not in block
        and not ("!" in block and "<!" in block)
        and not ("?" in block and "<?" in block)
    )


def _wrap(block: str, prefix: str, container: str, namespaces: str) -> ElementTree.Element:
    tag = prefix + container
    return ElementTree.fromstring(f"<{tag}{namespaces}>{block}</{tag}>")


def _read_text(stream: IO[bytes]) -> Iterator[str]:
    """The part decoded as UTF-8, a block at a time."""
    head = stream.read(_BLOCK)
    if head.startswith(codecs.BOM_UTF8):
        head = head[3:]
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise NotStreamable("XML UTF-16")
    declared = _ENCODING.match(head)
    if declared and declared[1].decode("ascii", "replace").lower().replace("_", "-") not in (
        "utf-8",
        "utf8",
    ):
        raise NotStreamable(f"XML {declared[1]!r}")
    decoder = codecs.getincrementaldecoder("utf-8")()
    data = head
    while data:
        text = decoder.decode(data)
        if text:
            yield text
        data = stream.read(_BLOCK)
    tail = decoder.decode(b"", final=True)
    if tail:
        yield tail


def _blocks(
    package: _Package, part: str, container: str, item: str
) -> Iterator[tuple[str, str, str, bool]]:
    """The children of ``container`` in ``part``, as blocks of whole ``item`` elements (text),
    with the namespace prefix the part uses, the namespace declarations a block needs to be
    parsed on its own and whether the block holds an ``&``. Reading stops
    at the container's end tag: what follows it in the part is never inflated."""
    name = package.find(part)
    if name is None:
        raise _bad(f"bagian {part} tidak ada")
    with package.archive.open(name) as stream:
        pending = ""
        start: re.Match[str] | None = None
        prefix = ""
        end_tag = ""
        item_end = ""
        item_start = ""
        namespaces = ""
        for text in _read_text(stream):
            text = pending + text if pending else text
            if start is None:
                start = re.search(rf"<(?:([\w.-]+):)?{container}(?=[\s/>])[^>]*>", text)
                if start is None:
                    pending = text
                    if len(pending) > _MAX_PENDING * 8:
                        raise _bad(f"{part}: tidak ada <{container}>")
                    continue
                prefix = start[1] + ":" if start[1] else ""
                root = _FIRST_TAG.search(text)
                declared = dict(_XMLNS.findall(root[0] if root else ""))
                declared.update(_XMLNS.findall(start[0]))  # the container's own win
                namespaces = "".join(f" xmlns{name}={uri}" for name, uri in declared.items())
                if start[0].endswith("/>"):
                    return
                text = text[start.end() :]
                end_tag = f"</{prefix}{container}>"
                item_end = f"</{prefix}{item}>"
                item_start = f"<{prefix}{item}"
            end = text.find(end_tag)
            if end >= 0:
                block = text[:end]
                if block.strip():
                    yield block, prefix, namespaces, "&" in block
                return
            cut = text.rfind(item_end)
            if cut >= 0:
                cut += len(item_end)
            elif len(text) > _MAX_PENDING:
                cut = text.rfind(item_start)  # all items before it are self-closing
            if cut > 0:
                block, pending = text[:cut], text[cut:]
                yield block, prefix, namespaces, "&" in block
            else:
                pending = _between_items(text) if len(text) > _MAX_PENDING else text
                if len(pending) > _MAX_PENDING * 8:  # one item that never ends: refuse, in
                    # bounded memory and time (the text kept is copied once per block)
                    raise _bad(f"{part}: satu <{item}> lebih dari {_MAX_PENDING * 8 >> 20} MB teks")
        raise _bad(f"{part}: XML terpotong (tidak ada {end_tag or container})")


def _between_items(text: str) -> str:
    """``text`` without the character data before its first tag: between items it is only
    whitespace (nothing a reader keeps), and a run of it, however long, is not held."""
    tag = text.find("<")
    return "" if tag < 0 else text[tag:]
