"""How text and queries are cut for the Chinese keyword search (jobs/search.py); no database."""

from jobs.search import vacancy_search_text
from portal.textsearch import query_runs, search_terms, tsquery_text


def test_a_cjk_run_is_cut_into_its_characters_then_its_bigrams():
    assert search_terms("电焊工") == ["电", "焊", "工", "电焊", "焊工"]


def test_latin_words_and_numbers_are_kept_whole_and_lower_cased():
    assert search_terms("Java开发 5000元 H5") == ["java", "开", "发", "开发", "5000", "元", "h5"]


def test_plus_and_sharp_at_the_end_of_a_latin_word_are_spelled_out_so_the_parser_keeps_them():
    assert search_terms("C++ 和 C# 工程师") == ["cplusplus", "和", "csharp", "工", "程", "师", "工程", "程师"]
    assert "cplusplus" in search_terms("熟悉c++11") and "11" in search_terms("熟悉c++11")


def test_punctuation_separates_runs_so_no_bigram_spans_it():
    assert "焊工" not in search_terms("电焊，工人")
    assert search_terms("电焊，工人") == ["电", "焊", "电焊", "工", "人", "工人"]


def test_the_stored_text_joins_title_employer_and_description_without_a_bigram_across_them():
    text = vacancy_search_text(title="电焊工", employer_name="武汉钢构", description="持证上岗")
    terms = text.split(" ")
    assert "焊工" in terms and "武汉" in terms and "持证" in terms
    assert "工武" not in terms and "构持" not in terms


def test_a_two_character_query_is_one_bigram_and_a_longer_one_a_phrase_of_bigrams():
    assert tsquery_text(query_runs("焊工")) == "'焊工'"
    assert tsquery_text(query_runs("电焊工")) == "'电焊' <-> '焊工'"


def test_a_single_character_query_is_its_unigram_and_latin_words_are_whole():
    assert tsquery_text(query_runs("焊")) == "'焊'"
    assert tsquery_text(query_runs("Java")) == "'java'"
    assert tsquery_text(query_runs("C++")) == "'cplusplus'"


def test_several_keywords_are_anded_and_repeats_dropped():
    assert tsquery_text(query_runs("会计  五险一金 会计")) == "'会计' & '五险' <-> '险一' <-> '一金'"


def test_quotes_and_operators_typed_by_the_user_never_reach_the_query_syntax():
    assert tsquery_text(query_runs("焊工' | !(司机) & <-> :*")) == "'焊工' & '司机'"
    assert query_runs("！？…") == []
