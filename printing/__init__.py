"""Printing: documents as plain data, rendered to ESC/POS bytes (58/80 mm thermal
printers, Big5 or GB18030 in Chinese mode) or to text for an on-screen preview, and
sent to a printer through a connector (tcp://, file:, usb:, serial:).

Takes plain data only: never imports Textual or touches the store.
"""
