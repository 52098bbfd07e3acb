"""The station's data: policy, station defaults, locale catalogs and standard phrases.

Installed as the package ``deskapp.data`` (see pyproject.toml); the files are TOML a
station manager can read and edit, validated by deskapp when loaded.
"""
