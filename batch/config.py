"""The seller's config file, qoo10-dispatch.toml: what they would otherwise type every day.

It is looked for in the working folder, else in the user's config folder (platformdirs). Each
value in force has one source, which `qoo10-dispatch config` shows: an option, the environment,
the file, or the default; an option wins over the environment, the environment over the file.
The API key may be in the file (CONTRACT: "Sending through Qoo10's API"); it is never shown,
only whether it is set and where from. A file that cannot be used stops with its path, the key
and the fix: a typo must not quietly leave a default in force.
"""

from __future__ import annotations

import fnmatch
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs

from batch import carriers
from batch.errors import DispatchError, Phrase

if TYPE_CHECKING:  # pandas only where a column is renamed: every command loads the config
    import pandas as pd

try:
    import tomli as tomllib  # compiled: a third of tomllib's time; every start parses TOML
except ModuleNotFoundError:  # an install from before tomli was required
    import tomllib

APP = "qoo10-dispatch"
FILE_NAME = "qoo10-dispatch.toml"
FORMATS_FOLDER = "formats"  # the seller's format profiles, beside the file and in the folder
LANGS = ("auto", "ja", "ko", "en")
# [api] key -> the environment variable that wins over it (batch/qapi/client.py reads them)
API_ENV = {"url": "QOO10_QAPI_URL", "rate": "QOO10_QAPI_RATE", "key": "QOO10_QAPI_KEY"}
TOP_KEYS = ("ledger", "lang", "sender", "formats", "carriers", "sheets", "api")
EXAMPLE = f"""\
ledger = "ledger.sqlite3"        # beside this file, or a full path
lang = "ja"                      # {", ".join(LANGS)}
sender = "sender.toml"           # or a [sender] table in this file
formats = "my-formats"           # a folder of your own format profiles
[carriers]                       # a carrier the tool knows = the name your QSM shows
"ヤマト宅急便" = "ヤマト運輸"
[sheets]                         # the carrier of sheets that name none, by file name
"kse-*.xlsx" = "佐川急便"
[api]
rate = 2                         # requests a second; url = "..."; key = "..."
"""


class ConfigError(DispatchError):
    """The config file cannot be used (exit 2): the file, the key, what to write."""

    def __init__(self, path: Path, key: str, problem: Phrase) -> None:
        where = f"{path}: {key}" if key else str(path)
        super().__init__(Phrase("error.config.refused", where=where, problem=problem))


@dataclass(frozen=True)
class Setting:
    value: object  # None: not set
    source: str  # "option", "environment NAME", the file's path, or "default"


def user_folder() -> Path:
    """The user's config folder: platformdirs' (XDG_CONFIG_HOME or ~/.config on Linux,
    %APPDATA% on Windows, ~/Library/Application Support on macOS)."""
    return Path(platformdirs.user_config_dir(APP, appauthor=False))


def candidates(cwd: Path | None = None) -> list[Path]:
    """Where the file is looked for, first found wins."""
    return [(cwd or Path.cwd()) / FILE_NAME, user_folder() / FILE_NAME]


@dataclass
class Config:
    path: Path | None = None  # None: no file found
    data: dict = field(default_factory=dict)  # the file's contents, checked
    env: Mapping[str, str] = field(default_factory=dict)

    def _file_value(self, dotted: str) -> object:
        table = self.data
        for part in dotted.split("."):
            table = table.get(part) if isinstance(table, dict) else None
        return table

    def get(self, dotted: str, given: object = None) -> Setting:
        """The value in force: ``given`` (an option), the environment, the file, else None."""
        if given not in (None, ""):
            return Setting(given, "option")
        name = API_ENV.get(dotted.removeprefix("api.")) if dotted.startswith("api.") else None
        if name and self.env.get(name, "").strip():
            return Setting(self.env[name].strip(), f"environment {name}")
        value = self._file_value(dotted)
        if value is None:
            return Setting(None, "default")
        if dotted in ("ledger", "sender", "formats"):
            value = self.path.parent / Path(str(value)).expanduser()  # relative: beside the file
        return Setting(value, str(self.path))

    def sender(self, given: object = None) -> Setting:
        """--sender-file, else the file's `sender`, else the file itself when it has [sender]."""
        if given in (None, "") and isinstance(self.data.get("sender"), dict):
            return Setting(self.path, str(self.path))
        return self.get("sender", given)

    def format_folders(self) -> list[Path]:
        """The seller's profile folders: the user's config folder's, the one beside the file,
        and the file's `formats`; each once, in that order."""
        folders = [user_folder() / FORMATS_FOLDER]
        if self.path is not None:
            folders.append(self.path.parent / FORMATS_FOLDER)
        named = self.get("formats").value
        folders += [Path(named)] if named is not None else []
        return list(dict.fromkeys(f.resolve() for f in folders))

    def api_env(self) -> dict[str, str]:
        """The [api] values under their environment names, the environment over them: what
        batch.qapi.client.Settings.from_env reads."""
        from_file = {API_ENV[k]: str(v) for k, v in self.data.get("api", {}).items()}
        return {**from_file, **self.env}

    def carrier_names(self) -> dict[str, str]:
        return dict(self.data.get("carriers", {}))

    def sheet_carriers(self) -> dict[str, str]:
        """[sheets]: file-name pattern -> the carrier of the rows those sheets name none for."""
        return dict(self.data.get("sheets", {}))


def sheet_carrier(patterns: Mapping[str, str], name: str) -> str:
    """The carrier [sheets] gives a file ``name`` (the first pattern that fits, compared
    without case), "" when none does."""
    for pattern, carrier in patterns.items():
        if fnmatch.fnmatchcase(name.casefold(), pattern.casefold()):
            return carrier
    return ""


def load(cwd: Path | None = None, env: Mapping[str, str] | None = None) -> Config:
    """The config in force: the first file of ``candidates``, checked; none is no error."""
    env = dict(os.environ if env is None else env)
    for path in candidates(cwd):
        if path.is_file():
            return Config(path.resolve(), _read(path.resolve()), env)
    return Config(None, {}, env)


def _read(path: Path) -> dict:
    try:
        with path.open("rb") as f:
            data = tomllib.load(f)
    except OSError as exc:
        raise ConfigError(path, "", Phrase("error.read.unreadable", problem=exc.strerror)) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, "", Phrase("error.config.toml", problem=exc)) from None
    _check(path, data)
    return data


def _check(path: Path, data: dict) -> None:
    unknown = sorted(set(data) - set(TOP_KEYS))
    if unknown:
        problem = Phrase("error.config.unknown", settings=TOP_KEYS)
        raise ConfigError(path, unknown[0], problem)
    for key in ("ledger", "formats"):
        if key in data and not (isinstance(data[key], str) and data[key].strip()):
            raise ConfigError(path, key, Phrase("error.config.path"))
    if "lang" in data and data["lang"] not in LANGS:
        problem = Phrase("error.config.lang", given=repr(data["lang"]), langs=", ".join(LANGS))
        raise ConfigError(path, "lang", problem)
    sender = data.get("sender")
    if sender is not None and not isinstance(sender, (str, dict)):
        raise ConfigError(path, "sender", Phrase("error.config.sender"))
    _check_api(path, data.get("api", {}))
    _check_carriers(path, data.get("carriers", {}))
    _check_sheets(path, data.get("sheets", {}))


def _check_api(path: Path, api: object) -> None:
    if not isinstance(api, dict) or set(api) - set(API_ENV):
        raise ConfigError(path, "api", Phrase("error.config.api", keys=", ".join(API_ENV)))
    for key in ("url", "key"):
        if key in api and not (isinstance(api[key], str) and api[key].strip()):
            raise ConfigError(path, f"api.{key}", Phrase("error.config.quoted"))
    if "url" in api and not api["url"].startswith(("https://", "http://")):
        raise ConfigError(path, "api.url", Phrase("error.config.url"))
    rate = api.get("rate", 1)
    if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 < rate < math.inf:
        raise ConfigError(path, "api.rate", Phrase("error.config.rate"))


def _check_carriers(path: Path, names: object) -> None:
    """Each key a carrier of the registry, each value the non-blank name the seller's QSM has."""
    if not isinstance(names, dict):
        raise ConfigError(path, "carriers", Phrase("error.config.carriers"))
    for key, value in names.items():
        if not carriers.company(key):
            raise ConfigError(path, f"carriers.{key!r}", Phrase("error.config.no_carrier"))
        if not (isinstance(value, str) and value.strip()):
            raise ConfigError(path, f"carriers.{key!r}", Phrase("error.config.qsm_name"))


def _check_sheets(path: Path, sheets: object) -> None:
    """Each key a file-name pattern, each value a carrier of the registry."""
    if not isinstance(sheets, dict) or not all(isinstance(v, str) for v in sheets.values()):
        raise ConfigError(path, "sheets", Phrase("error.config.sheets"))
    for key, value in sheets.items():
        if not carriers.company(value):  # one text each: no pandas to read a config
            problem = Phrase("error.config.sheet_carrier", carrier=repr(value))
            raise ConfigError(path, f"sheets.{key!r}", problem)


def _services(resolved: pd.DataFrame) -> list[tuple[str, str]]:
    return list(zip(resolved["company"], resolved["service"], strict=True))


def seller_names(carrier: pd.Series, names: Mapping[str, str]) -> pd.Series:
    """Each carrier text as the seller's QSM spells it where their config names its service
    (CONTRACT's ShippingCorp rule, first part); the text itself elsewhere."""
    if not names:
        return carrier
    import pandas as pd

    keys = carriers.resolve(pd.Series(list(names), dtype=object))
    by_service = dict(zip(_services(keys), names.values(), strict=True))
    mine = [by_service.get(k) for k in _services(carriers.resolve(carrier))]
    return carrier.where(pd.Series([m is None for m in mine], index=carrier.index), mine)
