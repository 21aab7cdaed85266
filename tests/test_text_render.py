"""Every English and 中文 string of the app renders its Markdown emphasis: no `**` a reader would see.

CommonMark opens `**` only where it is left-flanking and closes it only where it is right-flanking. Next to CJK
punctuation ("**图：**去噪链…") a closing `**` is preceded by punctuation and followed by a letter, so it is
neither, and the page shows the asterisks. The browser side is tests/test_browser_chinese.py.
"""
import importlib
import pkgutil
import re
import unicodedata

import app


def _punctuation(ch: str) -> bool:
    return bool(ch) and (unicodedata.category(ch).startswith("P") or (ord(ch) < 128 and not ch.isalnum()
                                                                    and not ch.isspace()))


def _space(ch: str) -> bool:
    return not ch or ch.isspace()


def stray_emphasis(text: str) -> list[int]:
    """Where CommonMark would print a `**` run as it is: one that can neither open nor close, or that pairs with
    nothing."""
    runs = []
    for match in re.finditer(r"\*\*+", text):
        before = text[match.start() - 1] if match.start() else ""
        after = text[match.end()] if match.end() < len(text) else ""
        opens = not _space(after) and (not _punctuation(after) or _space(before) or _punctuation(before))
        closes = not _space(before) and (not _punctuation(before) or _space(after) or _punctuation(after))
        runs.append((match.start(), opens, closes))
    stray, open_at = [], None
    for position, opens, closes in runs:
        if open_at is not None and closes:
            open_at = None
        elif opens:
            if open_at is not None:
                stray.append(open_at)
            open_at = position
        else:
            stray.append(position)
    return stray + ([open_at] if open_at is not None else [])


def _strings():
    """(where, text) for every string of every *_text module of the app (tables of pairs, or of dicts)."""
    for info in pkgutil.iter_modules(app.__path__):
        if not info.name.endswith("_text"):
            continue
        module = importlib.import_module(f"app.{info.name}")
        for table_name, table in vars(module).items():
            if not isinstance(table, dict):
                continue
            for key, value in table.items():
                values = value.values() if isinstance(value, dict) else value if isinstance(value, (tuple, list)) else ()
                for text in values:
                    if isinstance(text, str):
                        yield f"{info.name}.{table_name}[{key!r}]", text


def test_the_checker_finds_what_commonmark_prints():
    assert stray_emphasis("**图：**去噪链") == [0, 4]  # the example: neither run can pair
    assert stray_emphasis("**图**：去噪链") == []
    assert stray_emphasis("请在设置上方的**当前训练（实时）**框中修改") != []
    assert stray_emphasis("请在设置上方的**当前训练（实时）** 框中修改") == []
    assert stray_emphasis("the **next run** you start") == []


def test_no_string_shows_its_asterisks():
    strings = list(_strings())
    assert len(strings) > 500  # the tables were found
    assert [(where, text[:60]) for where, text in strings if stray_emphasis(text)] == []


def test_every_data_error_has_chinese_with_the_same_values():
    """Each sentence gan_core can say about a student's data (gan_core.messages) has its 中文, naming the same
    values; a new message without one would reach a Chinese page in English (#24.9)."""
    import string

    from app.data_error_text import DATA_ERROR_ZH, FILE_ZH
    from gan_core.messages import DATA_MESSAGES, GENERIC_FILES

    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    assert set(DATA_ERROR_ZH) == set(DATA_MESSAGES)
    for key, english in DATA_MESSAGES.items():
        chinese = fields(DATA_ERROR_ZH[key])
        assert chinese <= fields(english), (key, chinese - fields(english))
        assert fields(english) - chinese <= {"files"}, (key, fields(english) - chinese)  # English plurals only
    assert set(GENERIC_FILES) == set(FILE_ZH)
