"""Text editors type or paste: no control characters reach the database.

Word pastes a line break as a vertical tab, and one such character in a title made every
feed holding it a 500 (XML cannot carry it). A vertical tab, form feed or Unicode line
separator is a line break in multi-line text and a space in a one-line field; any other
control character is invisible and is dropped. Tab, newline and return stay in text that
has lines.
"""

import re

from django.db import models

_BREAKS = re.compile("[\x0b\x0c\x85\u2028\u2029]")
_INVISIBLE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
_LINE_ENDS = re.compile("[\t\n\r]+")


def plain_text(value, multiline):
    """`value` without control characters, its line breaks kept only if `multiline`."""
    value = _INVISIBLE.sub("", _BREAKS.sub("\n", value))
    return value if multiline else _LINE_ENDS.sub(" ", value)


class PlainTextMixin(models.Model):
    """Cleans every text field on validation (so a form shows the result) and on save.

    Derived text (an article's HTML) is cleaned too: it is written before this runs.
    """

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.clean_text_fields()
        super().save(*args, **kwargs)

    def clean_fields(self, exclude=None):
        self.clean_text_fields()
        super().clean_fields(exclude=exclude)

    def clean_text_fields(self):
        for field in self._meta.concrete_fields:
            if isinstance(field, (models.CharField, models.TextField)):
                value = getattr(self, field.attname)
                if isinstance(value, str):
                    multiline = isinstance(field, models.TextField)
                    setattr(self, field.attname, plain_text(value, multiline))
