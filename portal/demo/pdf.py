"""Small generated PDF materials for the demo, with reportlab's built-in Japanese CID font."""

from io import BytesIO

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

FONT = "HeiseiKakuGo-W5"


def make_pdf(title: str, lines: list[str], pages: int = 1) -> bytes:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    buffer = BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)  # invariant: same bytes every run
    pdf.setTitle(title)
    width, height = A4
    for page in range(pages):
        pdf.setFont(FONT, 16)
        pdf.drawString(60, height - 80, title)
        pdf.setFont(FONT, 11)
        y = height - 120
        for line in lines:
            pdf.drawString(60, y, line)
            y -= 20
        pdf.drawString(60, 40, f"{page + 1} / {pages}")
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()
