"""The program's own exceptions. The CLI turns them into one-line messages and exit codes.

A message is a ``Phrase``: a key of the catalogue (batch/locale/<lang>/errors.toml) with its
fields, so the CLI can say it in the console's language (``render``) while ``str(exc)``, the
logs and the tests keep the English text. A plain string still works, untranslated."""

from __future__ import annotations

from batch import i18n


class Phrase:
    """A catalogue text and its fields, said in whichever language asks. A field may itself
    be a Phrase (a shared hint, a reason), said in the same language."""

    __slots__ = ("key", "fields")

    def __init__(self, key: str, **fields: object) -> None:
        self.key = key
        self.fields = fields

    def render(self, lang: str) -> str:
        return i18n.text(self.key, lang, **{k: said(v, lang) for k, v in self.fields.items()})

    def __str__(self) -> str:
        return self.render(i18n.FALLBACK)

    def __repr__(self) -> str:
        return f"Phrase({self.key!r}, **{self.fields!r})"


def said(value: object, lang: str) -> object:
    """value in lang when it is a Phrase (a list of them: each, comma-separated); anything
    else as it is."""
    if isinstance(value, list):
        return ", ".join(str(said(v, lang)) for v in value)
    return value.render(lang) if isinstance(value, Phrase) else value


class DispatchError(Exception):
    """Base class: an error the user can fix. Never shown with a traceback."""

    def __init__(self, message: str | Phrase = "") -> None:
        self.said = message
        super().__init__(message)

    def render(self, lang: str) -> str:
        """The message in lang (English where it is still a plain string)."""
        return str(said(self.said, lang))

    def __str__(self) -> str:
        return self.render(i18n.FALLBACK)

    def refusal(self, lang: str) -> str:
        """The line a command ends with: "error: " and the message, both in lang."""
        return i18n.text("error.said", lang, message=self.render(lang))


class InputError(DispatchError):
    """An input file cannot be used at all (exit code 2).

    ``path`` names the file, ``hint`` says what to do about it.
    """

    def __init__(self, path: object, problem: str | Phrase, hint: str | Phrase = "") -> None:
        self.path = str(path)
        self.said_problem, self.said_hint = problem, hint
        super().__init__(problem)

    def render(self, lang: str) -> str:
        text = f"{self.path}: {said(self.said_problem, lang)}"
        return f"{text}\n  {said(self.said_hint, lang)}" if self.said_hint else text

    @property
    def problem(self) -> str:
        return str(self.said_problem)

    @property
    def hint(self) -> str:
        return str(self.said_hint)

    @property
    def message(self) -> str:
        return str(self)


class UsageError(DispatchError):
    """A bad combination of options or arguments (exit code 2)."""
