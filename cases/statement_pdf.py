"""The statement as a PDF for the bank (DESIGN §7), in Simplified Chinese by default.

reportlab draws it; the text is set in a CJK TrueType font from the system packages
(Debian `fonts-wqy-microhei`, settings.STATEMENT_PDF_FONT) and embedded as a subset, so
the bank's reader needs no font of its own.
"""

from __future__ import annotations

import io
from functools import lru_cache

from django.conf import settings
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .statement_text import line_explanation

FONT_NAME = "StatementCJK"


class StatementFontMissing(RuntimeError):
    pass


@lru_cache(maxsize=1)
def _register_font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    path = settings.STATEMENT_PDF_FONT
    try:
        font = (
            TTFont(FONT_NAME, path, subfontIndex=0)
            if path.endswith(".ttc")
            else TTFont(FONT_NAME, path)
        )
    except OSError as exc:
        raise StatementFontMissing(
            f"The statement font {path} is missing: install fonts-wqy-microhei "
            "(scripts/ensure_cjk_font.sh) or set STATEMENT_PDF_FONT."
        ) from exc
    pdfmetrics.registerFont(font)
    return FONT_NAME


def _money(value) -> str:
    return f"{value:,.2f}" if value is not None else ""


def _day(value) -> str:
    return value.isoformat() if value else ""


def statement_pdf(statement, *, language: str = "zh-hans") -> bytes:
    """The PDF bytes of one statement: the summary, the commission, then every line."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, Table

    font = _register_font()
    body = ParagraphStyle("body", fontName=font, fontSize=9, leading=12, wordWrap="CJK")
    small = ParagraphStyle("small", parent=body, fontSize=7.5, leading=10)
    title = ParagraphStyle("title", parent=body, fontSize=15, leading=20, spaceAfter=4 * mm)
    buffer = io.BytesIO()
    with translation.override(language):
        heading = _("Reconciliation and commission statement")
        document = SimpleDocTemplate(
            buffer,
            pagesize=landscape(A4),
            leftMargin=12 * mm,
            rightMargin=12 * mm,
            topMargin=12 * mm,
            bottomMargin=12 * mm,
            title=f"{heading} {statement.agreement.number} {statement.month:%Y-%m}",
            author=str(statement.bank.name),
        )
        story = [
            Paragraph(heading, title),
            Paragraph(
                _("Bank: %(bank)s · Agreement: %(agreement)s · Month: %(month)s · Version %(v)s")
                % {
                    "bank": statement.bank.name,
                    "agreement": statement.agreement.number,
                    "month": date_format(statement.month, "YEAR_MONTH_FORMAT"),
                    "v": statement.version,
                },
                body,
            ),
        ]
        if statement.replaces_id:
            story.append(
                Paragraph(
                    _("This version corrects version %(v)s.") % {"v": statement.replaces.version},
                    body,
                )
            )
        story.append(Spacer(1, 4 * mm))
        summary = [
            [_("Line"), _("Count"), _("Agency amount"), _("Bank amount")],
            [
                _("Matched"),
                statement.matched_count,
                _money(statement.matched_amount),
                _money(statement.matched_amount),
            ],
            [
                _("Amount difference"),
                statement.difference_count,
                _money(statement.difference_agency_amount),
                _money(statement.difference_bank_amount),
            ],
            [
                _("Agency only"),
                statement.agency_only_count,
                _money(statement.agency_only_amount),
                "",
            ],
            [_("Bank only"), statement.bank_only_count, "", _money(statement.bank_only_amount)],
            [_("Commission base"), "", "", _money(statement.commission_base)],
            [_("Commission"), "", "", _money(statement.commission_total)],
        ]
        grid = [
            ("FONT", (0, 0), (-1, -1), font, 9),
            ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
            ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
        ]
        story.append(Table(summary, style=grid, hAlign="LEFT"))
        story.append(Spacer(1, 6 * mm))
        rows = [
            [
                _("Kind"),
                _("Account"),
                _("Agency amount"),
                _("Agency date"),
                _("Bank amount"),
                _("Bank date"),
                _("Reference"),
                _("Commission"),
                _("Explanation"),
            ]
        ]
        lines = statement.lines.select_related("statement").order_by("kind", "account_no", "pk")
        for line in lines.iterator(chunk_size=2000):
            rows.append(
                [
                    line.get_kind_display(),
                    line.account_no,
                    _money(line.payment_amount),
                    _day(line.payment_paid_on),
                    _money(line.repayment_amount),
                    _day(line.repayment_paid_on),
                    line.repayment_reference,
                    _money(line.commission) if line.commission else "",
                    Paragraph(line_explanation(line), small),
                ]
            )
        widths = [22 * mm, 32 * mm, 22 * mm, 20 * mm, 22 * mm, 20 * mm, 30 * mm, 18 * mm, 85 * mm]
        table = LongTable(rows, colWidths=widths, repeatRows=1, style=[*grid[:3]])
        table.setStyle([("FONT", (0, 0), (-1, -1), font, 7.5), ("VALIGN", (0, 0), (-1, -1), "TOP")])
        story.append(table)
        document.build(story)
    return buffer.getvalue()
