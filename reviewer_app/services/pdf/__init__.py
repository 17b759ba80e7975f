"""Reportlab building blocks of the PDFs: pages, styles, fonts, blocks."""
