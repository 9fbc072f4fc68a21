"""The shared cutting of text and queries (portal/textsearch.py) as the policy search uses it; no database."""

import re

from policy.search import document_search_text, number_key, policy_query_runs
from portal.textsearch import fallback_condition, query_runs, tsquery_text


def test_document_numbers_in_every_spelling_give_the_same_key():
    spellings = ["武政办〔2009〕138号", "武政办[2009]138号", "武政办（2009）138号", "武政办(２００９)１３８号",
                 "武政办【2009】138号", "武政办 〔2009〕 138 号"]
    assert {number_key(s) for s in spellings} == {"武政办〔2009〕138号"}


def test_a_number_query_becomes_the_runs_the_document_was_cut_into():
    stored = document_search_text(title="", document_number="武政办〔2009〕138号", body="").split(" ")
    for query in ("武政办[2009]138号", "１３８号"):
        for run in policy_query_runs(query):
            assert all(term in stored for term in run.terms)
    assert tsquery_text(policy_query_runs("武政办[2009]138号")) == "'武政' <-> '政办' & '2009' & '138' & '号'"


def test_the_index_free_condition_looks_up_cjk_runs_as_text_and_latin_words_whole():
    cjk, latin = query_runs("就业 C++")
    assert str(fallback_condition(cjk, ["title", "body"])) == "(OR: ('title__icontains', '就业'), ('body__icontains', '就业'))"
    [(lookup, pattern)] = fallback_condition(latin, ["title"]).children
    assert lookup == "title__iregex"
    assert re.search(pattern, "熟悉c++11") and not re.search(pattern, "abc++") and not re.search(pattern, "c+++")
