"""The station's settings as data: where the files are, the station configuration
(``station.toml``), the policy file, checklists, and the translations (i18n)."""
