"""A4 documents as PDF: sheets of plain data rendered with reportlab, a TrueType CJK font
embedded."""
