"""Cell styles and xl/styles.xml: fonts, solid fills, thin borders, number formats,
alignment and the quote prefix; each distinct Style becomes one cell format (an "xf")."""

from __future__ import annotations

import html
from dataclasses import dataclass, replace

_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
# Formats Excel knows by number (ECMA-376 18.8.30); any other is written out from 164 on.
_BUILTIN_FORMATS = {"General": 0, "0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4}
_SIDES = ("left", "right", "top", "bottom")  # the schema's order


@dataclass(frozen=True)
class Style:
    """How a cell looks. Colours are RRGGBB; ``borders`` the sides with a thin line."""

    font: str = "Calibri"  # named: LibreOffice falls back to a serif font otherwise
    size: float = 11
    bold: bool = False
    colour: str | None = None  # of the text
    fill: str | None = None  # solid background
    borders: tuple[str, ...] = ()
    number_format: str = "General"
    horizontal: str | None = None  # left | center | right
    vertical: str | None = None  # top | center | bottom
    wrap: bool = False
    indent: int = 0
    quote_prefix: bool = False  # Excel keeps text that looks like a formula text when edited

    def but(self, **changes) -> Style:
        return replace(self, **changes)


def _attr(value) -> str:
    return html.escape(str(value), quote=True)


def _number(value: float) -> str:
    return f"{int(value)}" if float(value).is_integer() else f"{value}"


def _argb(rgb: str) -> str:
    return "FF" + rgb.upper()  # opaque, as Excel writes colours


class StyleSheet:
    """The styles of one workbook, numbered as they are first asked for (0: Style())."""

    def __init__(self) -> None:
        self._xfs: dict[Style, int] = {}
        self._fonts: dict[tuple, int] = {}
        self._fills: dict[str | None, int] = {None: 0}  # 1 is gray125, which Excel requires
        self._borders: dict[tuple, int] = {(): 0}
        self._formats: dict[str, int] = {}
        self.id(Style())

    def id(self, style: Style) -> int:
        """The cell format number of ``style`` (``s="..."`` of a cell)."""
        if style not in self._xfs:
            font = (style.font, style.size, style.bold, style.colour)
            self._fonts.setdefault(font, len(self._fonts))
            self._fills.setdefault(style.fill, len(self._fills) + 1)
            self._borders.setdefault(tuple(sorted(set(style.borders))), len(self._borders))
            fmt = style.number_format
            if fmt not in _BUILTIN_FORMATS:
                self._formats.setdefault(fmt, 164 + len(self._formats))
            self._xfs[style] = len(self._xfs)
        return self._xfs[style]

    def _font_xml(self, font: tuple) -> str:
        name, size, bold, colour = font
        b = '<b val="1"/>' if bold else ""
        color = f'<color rgb="{_argb(colour)}"/>' if colour else ""
        return f'<font>{b}<sz val="{_number(size)}"/>{color}<name val="{_attr(name)}"/></font>'

    @staticmethod
    def _fill_xml(rgb: str | None) -> str:
        if rgb is None:
            return '<fill><patternFill patternType="none"/></fill>'
        solid = f'<patternFill patternType="solid"><fgColor rgb="{_argb(rgb)}"/>'
        return f'<fill>{solid}<bgColor indexed="64"/></patternFill></fill>'

    @staticmethod
    def _border_xml(sides: tuple) -> str:
        lines = "".join(
            f'<{side} style="thin"><color auto="1"/></{side}>' if side in sides else f"<{side}/>"
            for side in _SIDES
        )
        return f"<border>{lines}<diagonal/></border>"

    def _xf_xml(self, style: Style) -> str:
        font = self._fonts[(style.font, style.size, style.bold, style.colour)]
        fill = self._fills[style.fill]
        border = self._borders[tuple(sorted(set(style.borders)))]
        fmt = _BUILTIN_FORMATS.get(style.number_format) or self._formats.get(style.number_format)
        attrs = f'numFmtId="{fmt or 0}" fontId="{font}" fillId="{fill}" borderId="{border}"'
        attrs += ' xfId="0"'
        used = {"NumberFormat": fmt, "Font": font, "Fill": fill, "Border": border}
        attrs += "".join(f' apply{name}="1"' for name, n in used.items() if n)
        align = {
            "horizontal": style.horizontal,
            "vertical": style.vertical,
            "wrapText": "1" if style.wrap else None,
            "indent": style.indent or None,
        }
        align_xml = " ".join(f'{k}="{_attr(v)}"' for k, v in align.items() if v is not None)
        if align_xml:
            attrs += ' applyAlignment="1"'
        if style.quote_prefix:
            attrs += ' quotePrefix="1"'
        return f"<xf {attrs}>" + (f"<alignment {align_xml}/>" if align_xml else "") + "</xf>"

    def xml(self) -> bytes:
        """xl/styles.xml, with every style asked for so far."""
        formats = "".join(
            f'<numFmt numFmtId="{n}" formatCode="{_attr(code)}"/>'
            for code, n in self._formats.items()
        )
        fills = [self._fill_xml(None), '<fill><patternFill patternType="gray125"/></fill>']
        fills += [self._fill_xml(rgb) for rgb in list(self._fills)[1:]]
        parts = [
            f'{_HEAD}<styleSheet xmlns="{_MAIN}">',
            f'<numFmts count="{len(self._formats)}">{formats}</numFmts>' if formats else "",
            f'<fonts count="{len(self._fonts)}">',
            *map(self._font_xml, self._fonts),
            f'</fonts><fills count="{len(fills)}">{"".join(fills)}</fills>',
            f'<borders count="{len(self._borders)}">',
            *map(self._border_xml, self._borders),
            '</borders><cellStyleXfs count="1">',
            '<xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>',
            f'<cellXfs count="{len(self._xfs)}">',
            *map(self._xf_xml, self._xfs),
            '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>',
            "</cellStyles></styleSheet>",
        ]
        return "".join(parts).encode()
