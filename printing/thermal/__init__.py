"""Thermal printing: a document of blocks, laid out in printer columns and rendered to
ESC/POS bytes (58/80 mm, Big5 or GB18030 in Chinese mode), sent through a connector."""
