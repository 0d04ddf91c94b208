"""Searching the catalogue: whatever the diacritics, case and spacing of the query, every word
must match; filters by level, sector and the unit whose area publishes the procedure."""

from __future__ import annotations

import unicodedata
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from motcua.org.models import UnitLevel
from motcua.procedures import selectors, services
from motcua.procedures.models import Procedure, Publication

TODAY = date(2025, 9, 1)


def procedure(code: str, name: str, level: str, sector: str) -> Procedure:
    return services.procedure_create(
        code=code,
        name=name,
        sector=services.sector_ensure(code=sector, name=sector.title()),
        level=UnitLevel.objects.get(code=level),
        version=services.VersionData(
            effective_from=date(2025, 1, 1),
            time_limit_value=Decimal(5),
            time_limit_unit="working_days",
        ),
    )


@pytest.fixture
def catalogue(world: Any) -> dict[str, Procedure]:
    return {
        "khai_sinh": procedure("1.001193", "Đăng ký khai sinh", "commune", "ho-tich"),
        "ket_hon": procedure("1.000894", "Đăng ký kết hôn", "commune", "ho-tich"),
        "ho_kinh_doanh": procedure(
            "2.000720", "ĐĂNG KÝ THÀNH LẬP HỘ KINH DOANH", "district", "kinh-te"
        ),
        "xay_dung": procedure(
            "1.009994", "Cấp giấy phép xây dựng nhà ở riêng lẻ", "district", "xay-dung"
        ),
        "chung_thuc": procedure(
            "2.000815", "Chứng thực bản sao từ bản chính giấy tờ", "commune", "chung-thuc"
        ),
    }


def codes(rows: Any) -> list[str]:
    return [p.code for p in rows]


# --- folding diacritics, case and spaces -----------------------------------------------------


def test_a_query_without_diacritics_finds_the_name_with_them(catalogue):
    assert codes(selectors.procedures_search(q="dang ky khai sinh")) == ["1.001193"]


@pytest.mark.parametrize(
    "q",
    [
        "dang ky khai sinh",
        "Đăng ký khai sinh",
        "ĐĂNG KÝ KHAI SINH",
        "DANG KY KHAI SINH",
        "dang   ky \t khai  sinh ",
        "  khai sinh",
        unicodedata.normalize("NFD", "Đăng ký khai sinh"),
    ],
)
def test_every_spelling_of_the_query_finds_the_same_procedure(catalogue, q):
    assert codes(selectors.procedures_search(q=q)) == ["1.001193"]


def test_an_upper_case_name_is_found_by_a_lower_case_query_without_diacritics(catalogue):
    assert codes(selectors.procedures_search(q="ho kinh doanh")) == ["2.000720"]
    assert codes(selectors.procedures_search(q="thành lập hộ")) == ["2.000720"]


def test_a_query_of_two_words_finds_every_name_containing_both(catalogue):
    assert codes(selectors.procedures_search(q="dang   ky")) == ["1.000894", "1.001193", "2.000720"]
    assert codes(selectors.procedures_search(q="ĐĂNG KÝ")) == ["1.000894", "1.001193", "2.000720"]


def test_every_word_must_match_wherever_it_stands(catalogue):
    assert codes(selectors.procedures_search(q="sinh khai")) == ["1.001193"]
    assert codes(selectors.procedures_search(q="dang ky ket hon")) == ["1.000894"]
    assert codes(selectors.procedures_search(q="khai sinh ket hon")) == []
    assert codes(selectors.procedures_search(q="giay")) == ["1.009994", "2.000815"]
    assert codes(selectors.procedures_search(q="giay xay")) == ["1.009994"]


def test_a_word_matches_inside_longer_words(catalogue):
    assert codes(selectors.procedures_search(q="chung thu")) == ["2.000815"]


def test_the_national_code_is_searched_too(catalogue):
    assert codes(selectors.procedures_search(q="1.001193")) == ["1.001193"]
    assert codes(selectors.procedures_search(q="001193")) == ["1.001193"]
    assert codes(selectors.procedures_search(q="2.000 ho kinh doanh")) == ["2.000720"]


def test_like_wildcards_in_the_query_are_plain_characters(catalogue):
    assert codes(selectors.procedures_search(q="%")) == []
    assert codes(selectors.procedures_search(q="1_001193")) == []


def test_no_query_lists_the_whole_catalogue_by_code(catalogue):
    everything = ["1.000894", "1.001193", "1.009994", "2.000720", "2.000815"]
    assert codes(selectors.procedures_search()) == everything
    assert codes(selectors.procedures_search(q="   ")) == everything


def test_nothing_is_found_for_a_word_of_no_name(catalogue):
    assert codes(selectors.procedures_search(q="dat dai")) == []


# --- filters --------------------------------------------------------------------------------


def test_the_level_of_authority_filters_the_catalogue(catalogue):
    assert codes(selectors.procedures_search(level="district")) == ["1.009994", "2.000720"]
    assert codes(selectors.procedures_search(q="dang ky", level="commune")) == [
        "1.000894",
        "1.001193",
    ]
    assert codes(selectors.procedures_search(level="province")) == []
    assert codes(selectors.procedures_search(level="no-such-level")) == []


def test_the_sector_filters_the_catalogue(catalogue):
    assert codes(selectors.procedures_search(sector="ho-tich")) == ["1.000894", "1.001193"]
    assert codes(selectors.procedures_search(q="khai sinh", sector="xay-dung")) == []


def test_a_search_costs_one_query(catalogue, django_assert_num_queries):
    with django_assert_num_queries(1):
        found = list(selectors.procedures_search(q="dang ky", level="commune"))
        assert [(p.sector.code, p.level.code) for p in found] == [
            ("ho-tich", "commune"),
            ("ho-tich", "commune"),
        ]


# --- the unit whose area resolves the procedure ----------------------------------------------


@pytest.fixture
def published(world: Any, catalogue: dict[str, Procedure]) -> dict[str, Procedure]:
    """The province's decision of 1 March 2025 publishes: birth registration in Đô Lương's
    commune, marriage in Tân Kỳ's commune, building permits in Đô Lương's land division;
    a later decision publishes business households in Đô Lương from 1 January 2026."""
    decision = services.decision_create(
        unit=world.province,
        number="512/QĐ-UBND",
        title="Công bố danh mục thủ tục hành chính",
        signed_on=date(2025, 2, 20),
        effective_on=date(2025, 3, 1),
    )
    services.procedures_publish(
        decision=decision, procedures=[catalogue["khai_sinh"]], unit=world.dl_commune
    )
    services.procedures_publish(
        decision=decision, procedures=[catalogue["ket_hon"]], unit=world.tk_commune
    )
    services.procedures_publish(
        decision=decision, procedures=[catalogue["xay_dung"]], unit=world.dl, agency=world.dl_tnmt
    )
    later = services.decision_create(
        unit=world.province,
        number="1200/QĐ-UBND",
        title="Công bố thủ tục mới",
        signed_on=date(2025, 12, 1),
        effective_on=date(2026, 1, 1),
    )
    services.procedures_publish(
        decision=later, procedures=[catalogue["ho_kinh_doanh"]], unit=world.dl
    )
    return catalogue


def test_a_district_finds_what_it_and_its_communes_resolve(world, published):
    found = selectors.procedures_search(unit=world.dl, at=TODAY)
    assert codes(found) == ["1.001193", "1.009994"]
    assert codes(selectors.procedures_search(unit=world.tk, at=TODAY)) == ["1.000894"]


def test_a_commune_finds_only_what_it_resolves(world, published):
    assert codes(selectors.procedures_search(unit=world.dl_commune, at=TODAY)) == ["1.001193"]
    assert codes(selectors.procedures_search(unit=world.tk_commune, at=TODAY)) == ["1.000894"]


def test_the_province_finds_what_any_of_its_units_resolves(world, published):
    assert codes(selectors.procedures_search(unit=world.province, at=TODAY)) == [
        "1.000894",
        "1.001193",
        "1.009994",
    ]


def test_the_unit_filter_combines_with_the_query_and_the_level(world, published):
    assert codes(selectors.procedures_search(q="dang ky", unit=world.dl, at=TODAY)) == ["1.001193"]
    assert codes(selectors.procedures_search(level="district", unit=world.province, at=TODAY)) == [
        "1.009994"
    ]


def test_a_publication_counts_from_the_day_its_decision_takes_effect(world, published):
    assert codes(selectors.procedures_search(unit=world.dl, at=date(2025, 2, 28))) == []
    assert codes(selectors.procedures_search(unit=world.dl, at=date(2025, 3, 1))) == [
        "1.001193",
        "1.009994",
    ]
    assert codes(selectors.procedures_search(unit=world.dl, at=date(2025, 12, 31))) == [
        "1.001193",
        "1.009994",
    ]
    assert codes(selectors.procedures_search(unit=world.dl, at=date(2026, 1, 1))) == [
        "1.001193",
        "1.009994",
        "2.000720",
    ]


def test_an_ended_publication_counts_up_to_its_last_day_only(world, published):
    # no service ends a publication yet: the end is written as a later decision would
    Publication.objects.filter(procedure=published["khai_sinh"]).update(valid_to=date(2025, 8, 31))
    assert codes(selectors.procedures_search(unit=world.dl, at=date(2025, 8, 31))) == [
        "1.001193",
        "1.009994",
    ]
    assert codes(selectors.procedures_search(unit=world.dl, at=date(2025, 9, 1))) == ["1.009994"]


def test_without_a_day_the_unit_filter_reads_today_in_vietnam(world, published):
    today = timezone.localdate()
    tomorrow = services.decision_create(
        unit=world.province,
        number="9/QĐ-UBND",
        title="Công bố thủ tục từ ngày mai",
        signed_on=today,
        effective_on=today + timedelta(days=1),
    )
    services.procedures_publish(
        decision=tomorrow, procedures=[published["chung_thuc"]], unit=world.dl_commune
    )
    assert codes(selectors.procedures_search(unit=world.dl_commune)) == ["1.001193"]
    assert codes(
        selectors.procedures_search(unit=world.dl_commune, at=today + timedelta(days=1))
    ) == ["1.001193", "2.000815"]


def test_a_unit_filter_is_still_one_query(world, published, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert codes(selectors.procedures_search(q="khai sinh", unit=world.dl, at=TODAY)) == [
            "1.001193"
        ]
