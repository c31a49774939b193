"""Texts shown to people, as the services produce them: a code, a Chinese template, parameters.

The Chinese template is the gettext source text (extracted by `pybabel extract`, see babel.cfg);
the entry points render a message in the reader's language with `app.i18n.translate`, which
translates the template first and fills in the parameters after, so values (a unit code, a time)
never keep a message Chinese. `str(message)` is the Chinese text, for logs and the command line.
"""
from __future__ import annotations


def N_(text: str) -> str:
    """Marks a Chinese source text that is translated later, where it is shown."""
    return text


class Msg(str):
    """A message: the Chinese text itself (a `str`), with its `code`, `template` and `params`."""

    code: str
    template: str
    params: dict

    def __new__(cls, code: str, template: str, /, **params) -> Msg:
        self = super().__new__(cls, template.format(**params) if params else template)
        self.code, self.template, self.params = code, template, params
        return self

    def __reduce__(self):
        return _rebuild, (self.code, self.template, self.params)


def _rebuild(code: str, template: str, params: dict) -> Msg:
    return Msg(code, template, **params)


def msg(code: str, template: str, /, **params) -> Msg:
    """`msg("case.not_found", "未找到诉求 {number}", number=n)`: code, Chinese template, parameters."""
    return Msg(code, template, **params)
