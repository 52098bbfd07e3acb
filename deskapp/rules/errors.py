"""Errors a person at the station can act on.

Every error carries an i18n key and its parameters, so the same error reads right in
zh_TW, zh_CN and en wherever it is shown (CLI, screens). ``str(error)`` gives English
for logs and tracebacks.
"""

from __future__ import annotations

# The translator logs read in: registered by deskapp.settings.i18n (rules read no files).
_log_language = None


def log_errors_in(get_translator) -> None:
    """Errors read in ``get_translator()``'s language in logs and tracebacks (called once,
    by the settings layer that owns the catalogs; lazy, so no catalog loads at start-up)."""
    global _log_language
    _log_language = get_translator


PARAM_SHOWN_MAX = 300


def _shown(value: object) -> object:
    if not isinstance(value, str):
        return value
    from deskapp.rules.text import clean

    text = clean(value)
    return text if len(text) <= PARAM_SHOWN_MAX else text[:PARAM_SHOWN_MAX - 1] + "…"


class TKey(str):
    """A parameter that is itself a catalog key (a state or action name): translated too."""


class DeskError(Exception):
    """Base of every error deskapp shows to staff."""

    def __init__(self, key: str, /, **params: object) -> None:
        self.key = key
        self.params = params
        super().__init__(key)

    def render(self, tr) -> str:
        """The message in the translator's locale. A parameter that is text someone typed (an
        order number, a value refused) is cleaned and cut short: a message never carries an
        escape sequence to the terminal, nor a 10,000-character paste."""
        params = {k: tr.t(v) if isinstance(v, TKey) else _shown(v) for k, v in self.params.items()}
        return tr.t(self.key, **params)

    def __str__(self) -> str:  # English, for logs and tracebacks
        if _log_language is None:  # no catalogs loaded (the rules used on their own)
            return f"{self.key} {self.params}" if self.params else self.key
        return self.render(_log_language())


class ValidationError(DeskError):
    """One field's input is wrong; ``field`` names it so a screen can show the message beside it."""

    def __init__(self, field: str, key: str, /, **params: object) -> None:
        self.field = field
        super().__init__(key, **params)


class DomainError(DeskError):
    """A station rule forbids what was asked (an illegal transition, a refused request)."""


class NotFound(DeskError):
    """The thing asked for does not exist."""


class StoreError(DeskError):
    """The station file cannot be used (too new, busy for too long, unreadable)."""


class ConfigError(DeskError):
    """A data file (policy, station, catalog) is invalid."""


class PrintFailed(DeskError):
    """The printer did not take the document (off, unplugged, busy, a URL that cannot work).
    Nothing else is lost: what was being printed is already saved."""

    def __init__(self, url: str, detail: str) -> None:
        super().__init__("error.printer_failed", url=url, detail=detail)
