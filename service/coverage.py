"""Sentence coverage: split a document into sentences and tell which ones a citation supports."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

# Words that end with a full stop without ending the sentence ("Mr. Macron", "the U.S. president").
ABBREVIATIONS = frozenset({
    "mr", "mrs", "ms", "dr", "prof", "st", "gen", "col", "lt", "sgt", "capt", "gov", "sen", "rep",
    "pres", "jr", "sr", "no", "vs", "etc", "e.g", "i.e", "cf", "approx", "dept", "est", "fig", "inc",
    "ltd", "co", "corp", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
    "dec", "u.s", "u.k", "u.n", "e.u", "a.m", "p.m",
})
CLOSERS = "\"'”’»)]"
OPENERS = "\"'“‘«(["
# A terminator, the quotes or brackets that close with it, then the whitespace before the next sentence.
_END = re.compile(rf"[.!?…]+[{re.escape(CLOSERS)}]*(?=\s|$)")
_WORD_BEFORE = re.compile(r"([\w.]+)\.$")


@dataclass(frozen=True)
class Sentence:
    index: int
    start: int
    end: int
    text: str


@dataclass
class SentenceCoverage:
    sentence: Sentence
    records: set = field(default_factory=set)
    cited_characters: int = 0

    @property
    def covered(self) -> bool:
        return bool(self.records)


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of TEXT with their offsets; a line break always ends a sentence."""
    sentences: list[Sentence] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        for start, end in _split_line(line):
            sentences.append(Sentence(len(sentences), offset + start, offset + end,
                                      line[start:end]))
        offset += len(line)
    return sentences


def _split_line(line: str) -> Iterable[tuple[int, int]]:
    start = _skip_space(line, 0)
    for match in _END.finditer(line):
        end = match.end()
        if end <= start or not _ends_sentence(line, match):
            continue
        yield start, end
        start = _skip_space(line, end)
    tail_end = len(line.rstrip())
    if start < tail_end:
        yield start, tail_end


def _ends_sentence(line: str, match: re.Match) -> bool:
    following = line[match.end():].lstrip()
    if following and not (following[0].isupper() or following[0].isdigit() or following[0] in OPENERS):
        return False  # "e.g. the", "said he. and": a lowercase continuation is not a new sentence
    if line[match.start()] == ".":
        word = _WORD_BEFORE.search(line, 0, match.start() + 1)
        if word and _is_abbreviation(word.group(1)):
            return False
    return True


def _is_abbreviation(word: str) -> bool:
    lowered = word.lower()
    # A lone capital is an initial ("Donald J. Trump"), not the end of a sentence.
    return lowered in ABBREVIATIONS or (len(word) == 1 and word.isupper())


def _skip_space(line: str, index: int) -> int:
    while index < len(line) and line[index].isspace():
        index += 1
    return index


def sentence_coverage(text: str, spans: Iterable[tuple[int, int, object]]) -> list[SentenceCoverage]:
    """For every sentence of TEXT, the records whose (start, end, record) spans overlap it."""
    result = [SentenceCoverage(s) for s in split_sentences(text)]
    cited = [False] * len(text)
    spans = list(spans)
    for start, end, _record in spans:
        for i in range(max(start, 0), min(end, len(text))):
            cited[i] = True
    for item in result:
        s = item.sentence
        item.records = {record for start, end, record in spans if start < s.end and end > s.start}
        item.cited_characters = sum(cited[s.start:s.end])
    return result


def sentence_starts(text: str) -> set[int]:
    return {s.start for s in split_sentences(text)}


@dataclass
class DocumentCoverage:
    """Coverage of one document: its sentences, and the ones its seed leaves uncited on purpose; its
    attribution cues, and whether each is a record's cue."""

    document: str
    sentences: list[SentenceCoverage]
    excused: dict[int, str] = field(default_factory=dict)  # sentence start -> reason
    cues: list[Cue] = field(default_factory=list)

    @property
    def fact_bearing(self) -> list[SentenceCoverage]:
        return [s for s in self.sentences if s.sentence.start not in self.excused]

    @property
    def missing(self) -> list[SentenceCoverage]:
        """Fact-bearing sentences no record cites: the gaps in the extraction."""
        return [s for s in self.fact_bearing if not s.covered]

    def figure(self) -> str:
        facts = self.fact_bearing
        covered = len(facts) - len(self.missing)
        share = covered / len(facts) if facts else 1.0
        return (f"{self.document}: {covered}/{len(facts)} fact-bearing sentences covered ({share:.1%}); "
                f"{len(self.excused)} excused; {sum(s.covered for s in self.sentences)}/"
                f"{len(self.sentences)} sentences cited overall")


# Attribution cues (PARC 3.0): verbs and phrases of saying, thinking and stance that introduce a claim and its
# source. Every one the text holds should be the cue of some record (seeds/README.md, "Reading rules").
_CUE_WORDS = re.compile(
    r"\b(?:said|says|told|according to|deemed|added|insisted|considers|considered|believes|believed|detailed|"
    r"announced|stated|calling (?:for|it)|called for|(?:is|are) urging|(?:is|are) demanding|demands|rejects|"
    r"refuses|warned|clarified (?:their|his|her) views?)\b|\bin (?:the )?[\w' .-]{1,40}?(?:'s|s') view\b",
    re.IGNORECASE)
_CUE_FOR = re.compile(r"\bFor [A-Z][\w-]+(?: [A-Z][\w-]+)?,")  # "For Zelensky, ..."


@dataclass(frozen=True)
class Cue:
    start: int
    end: int
    text: str
    covered: bool  # the cue span of at least one record overlaps it


def attribution_cues(text: str, cue_spans: Iterable[tuple[int, int]]) -> list[Cue]:
    """Every attribution cue in TEXT, and whether a record's cue covers it."""
    spans = list(cue_spans)
    found = sorted({m.span() for pattern in (_CUE_WORDS, _CUE_FOR) for m in pattern.finditer(text)})
    return [Cue(a, b, text[a:b], any(s < b and e > a for s, e in spans)) for a, b in found]


def cue_figure(document: str, cues: list[Cue]) -> str:
    covered = sum(c.covered for c in cues)
    return f"{document}: {covered}/{len(cues)} attribution cues are the cue of a record"


@dataclass(frozen=True)
class Segment:
    start: int
    end: int
    text: str
    records: tuple  # the records whose citations span all of it, in citation order


def annotate(text: str, spans: Iterable[tuple[int, int, object]]) -> list[list[Segment]]:
    """TEXT cut into paragraphs of segments, each cut where a citation starts or ends."""
    spans = sorted(spans, key=lambda span: (span[0], span[1]))
    paragraphs, offset = [], 0
    for line in text.splitlines(keepends=True):
        start, end = offset + len(line) - len(line.lstrip()), offset + len(line.rstrip())
        offset += len(line)
        if start >= end:
            continue
        cuts = sorted({start, end, *(p for s, e, _ in spans for p in (s, e) if start < p < end)})
        paragraphs.append([
            Segment(a, b, text[a:b], tuple(dict.fromkeys(r for s, e, r in spans if s <= a and e >= b)))
            for a, b in zip(cuts, cuts[1:], strict=False)
        ])
    return paragraphs
