"""Keywords of a P18 common-problem group: the words (jieba) most typical of the group.

A word's score is its coverage — the share of the group's texts that contain it — squared (what
all of them say first), times its inverse document frequency in the analysed period. The document frequency is bounded from
the character-bigram frequencies the sketch already counted (a word is in no more texts than its
rarest bigram), so no second pass over the corpus is needed; jieba only segments a few texts per
group (the most typical first), cached. Stop words, single characters and numbers are left out.
"""
from __future__ import annotations

import logging
import re
from functools import lru_cache

import numpy as np

from . import text_sketch

SAMPLE = 8          # texts segmented per group
MAX_CHARS = 120     # of each text
JOIN_MAX = 6
_WORD = re.compile(r"^[\u4e00-\u9fff\u3400-\u4dbfa-zA-Z]{2,}$")
STOP_WORDS = frozenset("""
企业 我司 公司 有限公司 单位 咨询 请问 反映 投诉 建议 问题 情况 相关 有关 部门 相关部门 政府 领导
如何 怎么 怎样 什么 为什么 是否 能否 可否 可以 能够 需要 已经 一直 仍然 没有 不能 无法 目前 现在
因为 所以 但是 而且 以及 或者 还是 这个 那个 这些 那些 一些 哪些 多久 多少 您好 你好 谢谢 感谢
尊敬 市民 本人 我们 你们 他们 自己 希望 要求 请求 进行 处理 协助 帮助 解决 影响 表示 告知 时候
一下 之后 以后 以前 之前 期间 当地 其中 还有 就是 只能 不是 这样 那样 然后 已于 至今 今年 去年
由于 一旦 未能 主动 较差 连续 显示 严重 非常 特别 多次 长期 及时 尽快 立即 及早 最近 近期 有人
""".split())
_DIGITS = re.compile(r"[0-9０-９]+")


@lru_cache(maxsize=20_000)
def words_of(text: str) -> frozenset[str]:
    """The content words of `text` (jieba precise mode; stop words, single characters and
    tokens with digits or punctuation left out)."""
    import jieba
    if not getattr(words_of, "_quiet", False):
        jieba.setLogLevel(logging.WARNING)
        words_of._quiet = True  # type: ignore[attr-defined]
    return frozenset(w for w in jieba.lcut(text[:MAX_CHARS].lower())
                     if _WORD.match(w) and w not in STOP_WORDS)


def keywords(texts: list[str], df: np.ndarray, n: int, count: int = 6) -> list[str]:
    """The `count` words with the highest coverage² × idf in `texts` (a group's texts, the most
    typical first). Candidates are the words of `SAMPLE` distinct texts spread over the list
    (numbers ignored when telling texts apart), in at least two of them; coverage is counted
    over all `texts`. A word inside a chosen longer one, or containing it, is skipped. Ties: by
    the word."""
    texts = [t[:MAX_CHARS].lower() for t in texts if t]
    distinct = list({_DIGITS.sub("", t): t for t in reversed(texts)}.values())[::-1]
    if not distinct:
        return []
    picks = np.unique(np.linspace(0, len(distinct) - 1, min(SAMPLE, len(distinct))).astype(int))
    counts: dict[str, int] = {}
    for i in picks:
        for word in words_of(distinct[int(i)]):
            counts[word] = counts.get(word, 0) + 1
    needed = 2 if len(picks) > 1 else 1
    candidates = sorted(w for w, c in counts.items() if c >= needed) or sorted(counts)
    if not candidates:
        return []
    coverage = np.array([sum(w in t for t in texts) for w in candidates]) / len(texts)
    idf = np.log((1.0 + n) / (1.0 + _word_df(candidates, df))) + 1.0
    chosen: list[str] = []
    for i in np.lexsort((np.array(candidates), -coverage * coverage * idf)):
        word = candidates[int(i)]
        if any(word in c or c in word for c in chosen):
            continue
        chosen.append(word)
        if len(chosen) == count:
            break
    return _joined(chosen, texts)


def _joined(words: list[str], texts: list[str]) -> list[str]:
    """Adjacent keywords joined (up to JOIN_MAX characters) when the joined word is in at least
    half the texts, the most frequent join first (行政 + 服务中心 → 行政服务中心); the joined
    word takes the first one's place."""
    while True:
        best, pair = 0, None
        for a in words:
            for b in words:
                if a != b and len(a + b) <= JOIN_MAX:
                    found = sum(a + b in t for t in texts)
                    if found * 2 >= len(texts) and found > best:
                        best, pair = found, (a, b)
        if pair is None:
            return words
        a, b = pair
        words = [a + b if w == a else w for w in words if w != b]


def _word_df(words: list[str], df: np.ndarray) -> np.ndarray:
    """An upper bound of each word's document frequency: that of its rarest bigram."""
    owner, codes = [], []
    for i, word in enumerate(words):
        for a, b in zip(word, word[1:]):
            owner.append(i)
            codes.append((ord(a) << 21) | ord(b))
    bigram_df = df[text_sketch._bucket(np.array(codes, dtype=np.int64))].astype(np.float64)
    result = np.full(len(words), np.inf)
    np.minimum.at(result, np.array(owner), bigram_df)
    return result
