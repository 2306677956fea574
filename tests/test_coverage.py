"""Sentence coverage: the splitter, the seed-side CLI report, the /coverage endpoint, and their agreement."""

from __future__ import annotations

from pathlib import Path

import yaml

from service.coverage import annotate, sentence_coverage, split_sentences
from service.seeding import read_seed
from service.seeding.coverage import seed_coverage
from tests.conftest import SEED_FOLDER, SOURCE_FILE
from tests.helpers import assert_problem

DOC = "lemonde-2025-03-26-coalition-of-the-willing"
URL = f"/api/v1/documents/{DOC}/coverage"
TEXT = SOURCE_FILE.read_text(encoding="utf-8")
DISCLAIMER = ("Translation of an original article published in French on lemonde.fr; "
              "the publisher may only be liable for the French version.")


def texts(text: str) -> list[str]:
    return [s.text for s in split_sentences(text)]


def test_split_sentences_ends_after_closing_quote():
    assert texts('He called for a "ceasefire." "Russia is playing for time," he added.') == [
        'He called for a "ceasefire."', '"Russia is playing for time," he added.']


def test_split_sentences_keeps_abbreviations_and_initials_inside():
    assert texts("Mr. Smith met the U.S. envoy, e.g. at 9 a.m. with Donald J. Trump. Talks stalled.") == [
        "Mr. Smith met the U.S. envoy, e.g. at 9 a.m. with Donald J. Trump.", "Talks stalled."]


def test_split_sentences_keeps_domain_and_decimal_inside_one_sentence():
    assert texts(f"Aid worth €2.5 billion.\n{DISCLAIMER}") == ["Aid worth €2.5 billion.", DISCLAIMER]


def test_split_sentences_ends_at_line_break_without_full_stop():
    assert texts("A headline without a stop\nThe body. It goes on") == [
        "A headline without a stop", "The body.", "It goes on"]


def test_split_sentences_offsets_index_the_text():
    sentences = split_sentences(TEXT)
    assert all(TEXT[s.start:s.end] == s.text for s in sentences)
    assert len(sentences) == 29
    assert sentences[-1].text == DISCLAIMER and sentences[-1].start == 4711


def test_sentence_coverage_counts_overlapping_records_once_per_sentence():
    [first, second] = sentence_coverage("One two. Three four.", [(0, 3, "a"), (4, 12, "b"), (0, 7, "a")])
    assert first.records == {"a", "b"} and first.cited_characters == 8
    assert second.records == {"b"} and second.cited_characters == 3


def test_annotate_cuts_segments_where_citations_start_and_end():
    [paragraph] = annotate("abcdef", [(1, 4, "x"), (2, 6, "y")])
    assert [(s.text, s.records) for s in paragraph] == [
        ("a", ()), ("b", ("x",)), ("cd", ("x", "y")), ("ef", ("y",))]


def test_seed_coverage_covers_every_fact_bearing_sentence():
    [report] = seed_coverage(read_seed(SEED_FOLDER))
    assert report.missing == [] and report.excused == {}
    assert all(s.covered for s in report.sentences)  # the disclaimer too: it names the outlet, Le Monde


def test_seed_coverage_makes_every_attribution_cue_a_records_cue():
    [report] = seed_coverage(read_seed(SEED_FOLDER))
    found = {cue.text.casefold() for cue in report.cues}
    assert {"said", "according to", "deemed", "added", "insisted", "considers", "for zelensky,",
            "in the french president's view", "detailed", "announced", "refuses", "rejects"} <= found
    assert [cue.text for cue in report.cues if not cue.covered] == []
    assert len(report.cues) >= 25


def test_seed_coverage_command_prints_the_figures(runner):
    result = runner.invoke(args=["seed", "coverage", "--document", DOC])
    assert result.exit_code == 0, result.output
    assert f"{DOC}: 29/29 fact-bearing sentences covered (100.0%); 0 excused" in result.output
    assert f"{DOC}: 26/26 attribution cues are the cue of a record" in result.output


TINY = "One fact here. Another fact, said Anna. A disclaimer of the publisher."


def tiny_seed(folder: Path, *, excuse: int | None = 40, cue: str | None = "said Anna") -> Path:
    """A seed of one document of three sentences: the first two cited, the third excused at EXCUSE."""
    folder.mkdir()
    (folder / "doc.txt").write_text(TINY, encoding="utf-8")
    claim = {"speaker": "anna", "reported_by": "paper", "speech": "reported",
             **({"cue": {"quote": cue}} if cue else {})}
    data = {"briefing": {"slug": "tiny", "name": "Tiny", "summary": "Two facts."},
            "documents": [{"slug": "tiny-doc", "file": "doc.txt", "name": "[Tiny]", "publisher": "Paper",
                           "language": "en"}],
            "actors": [{"slug": "anna", "name": "Anna", "kind": "person", "citations": [{"quote": "One fact here."}]},
                       {"slug": "paper", "name": "Paper", "kind": "outlet", "citations": [{"quote": "One fact"}]}],
            "relations": [{"slug": "anna-supplies-paper", "subject": "anna", "predicate": "supplies", "object": "paper",
                           **claim, "citations": [{"quote": "Another fact, said Anna."}]}],
            "uncovered_sentences": [{"start": excuse, "reason": "a disclaimer"}] if excuse is not None else []}
    (folder / "briefing.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    return folder


def test_seed_coverage_command_excuses_a_sentence_left_uncited_on_purpose(runner, tmp_path: Path):
    result = runner.invoke(args=["seed", "coverage", str(tiny_seed(tmp_path / "tiny"))])
    assert result.exit_code == 0, result.output
    assert "tiny-doc: 2/2 fact-bearing sentences covered (100.0%); 1 excused" in result.output
    assert "excused  [2] @40: a disclaimer" in result.output
    assert "tiny-doc: 1/1 attribution cues are the cue of a record" in result.output


def test_seed_coverage_command_fails_on_an_unexcused_uncited_sentence(runner, tmp_path: Path):
    result = runner.invoke(args=["seed", "coverage", str(tiny_seed(tmp_path / "tiny", excuse=None))])
    assert result.exit_code != 0
    assert "UNCITED  [2] @40: A disclaimer of the publisher." in result.output
    assert "2/3 fact-bearing sentences covered" in result.output


def test_seed_coverage_command_fails_on_a_cue_no_record_uses(runner, tmp_path: Path):
    result = runner.invoke(args=["seed", "coverage", str(tiny_seed(tmp_path / "tiny", cue=None))])
    assert result.exit_code != 0
    assert "NO CUE   @29: 'said' is the cue of no record" in result.output
    assert "0/1 attribution cues" in result.output


def test_seed_coverage_command_with_unknown_document_fails(runner):
    result = runner.invoke(args=["seed", "coverage", "--document", "no-such-document"])
    assert result.exit_code != 0 and "no-such-document" in result.output


def test_seed_check_rejects_uncovered_sentence_not_at_a_sentence_start(runner, tmp_path: Path):
    result = runner.invoke(args=["seed", "check", str(tiny_seed(tmp_path / "tiny", excuse=41))])
    assert result.exit_code != 0
    assert "uncovered_sentences[0]: start: not the start of a sentence" in result.output


def test_get_document_coverage_reports_sentences_share_and_cues(client):
    response = client.get(URL)
    assert response.status_code == 200
    body = response.get_json()
    assert (body["document"]["slug"], body["sentences_total"], body["sentences_covered"]) == (DOC, 29, 29)
    assert body["share_covered"] == 1.0
    assert all(TEXT[s["start"]:s["end"]] == s["text"] for s in body["sentences"])
    assert body["cues_total"] == body["cues_covered"] == len(body["cues"]) == 26
    assert all(TEXT[c["start"]:c["end"]] == c["text"] and c["covered"] for c in body["cues"])


def test_get_document_coverage_names_the_records_citing_a_sentence(client):
    sentence = client.get(URL).get_json()["sentences"][9]
    assert sentence["text"].startswith("With this in mind, President Macron announced")
    refs = {(r["type"], r["label"]) for r in sentence["records"]}
    assert ("actor", "Emmanuel Macron") in refs
    assert any(t == "aid_package" and "€2 billion" in label for t, label in refs)
    assert any(t == "event" and label.startswith("2025-03-26 Macron announces") for t, label in refs)


def test_get_document_coverage_record_links_resolve(client):
    urls = {r["url"] for s in client.get(URL).get_json()["sentences"] for r in s["records"]}
    assert len(urls) > 40
    for url in sorted(urls):
        assert client.get(url).status_code == 200, url


def test_get_document_coverage_agrees_with_the_seed(client):
    [report] = seed_coverage(read_seed(SEED_FOLDER))
    served = client.get(URL).get_json()["sentences"]
    assert [s["covered"] for s in served] == [s.covered for s in report.sentences]
    assert [s["cited_characters"] for s in served] == [s.cited_characters for s in report.sentences]


def test_get_unknown_document_coverage_is_404(client):
    assert_problem(client.get("/api/v1/documents/nope/coverage"), 404)
