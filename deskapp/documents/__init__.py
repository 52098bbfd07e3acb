"""The station's documents from its records: thermal tickets (queue ticket, pickup voucher,
device tag, receipt) and A4 PDFs (repair order 維修單, quote, checklist), and the full
record of an order as plain data."""
