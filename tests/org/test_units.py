"""Administrative units: the tree (materialised path), levels as data, dissolution."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from motcua.core.errors import Conflict, ValidationFailed
from motcua.org import services
from motcua.org.models import AdministrativeUnit, UnitLevel


def level(code: str) -> UnitLevel:
    return UnitLevel.objects.get(code=code)


def test_the_three_levels_of_local_government_are_rows(db):
    assert list(UnitLevel.objects.values_list("code", "rank")) == [
        ("province", 1),
        ("district", 2),
        ("commune", 3),
    ]


def test_a_top_level_unit_has_the_path_of_its_own_id(db):
    unit = services.unit_create(
        code="38", name="Tỉnh Thanh Hóa", level=level("province"), parent=None
    )
    unit.refresh_from_db()
    assert unit.path == f"/{unit.pk}/"


def test_a_unit_path_extends_its_parents_path(world):
    for unit, parent in [
        (world.dl, world.province),
        (world.tk, world.province),
        (world.dl_commune, world.dl),
        (world.tk_commune, world.tk),
    ]:
        unit.refresh_from_db()
        assert unit.path == f"{parent.path}{unit.pk}/"
    assert world.dl_commune.path == f"/{world.province.pk}/{world.dl.pk}/{world.dl_commune.pk}/"


def test_a_subtree_is_one_prefix_query_on_the_path(world):
    subtree = AdministrativeUnit.objects.filter(path__startswith=world.dl.path)
    assert sorted(subtree.values_list("code", flat=True)) == ["427", "42701"]


def test_a_unit_starts_today_unless_told_otherwise(world):
    unit = services.unit_create(
        code="42702", name="Xã Yên Sơn", level=level("commune"), parent=world.dl
    )
    assert unit.valid_from == timezone.localdate()
    assert unit.valid_to is None


def test_a_unit_must_be_below_its_parents_level(world):
    before = AdministrativeUnit.objects.count()
    for bad_level, parent in [
        ("commune", world.dl_commune),
        ("district", world.dl),
        ("province", world.dl),
    ]:
        with pytest.raises(ValidationFailed) as caught:
            services.unit_create(code="X1", name="Sai cấp", level=level(bad_level), parent=parent)
        assert caught.value.code == "org.bad_level"
        assert set(caught.value.fields) == {"level"}
    assert AdministrativeUnit.objects.count() == before


def test_a_later_level_below_the_commune_is_just_another_row(world):
    hamlet = UnitLevel.objects.create(code="hamlet", name="Thôn / Xóm", rank=4)
    unit = services.unit_create(code="4270101", name="Xóm 1", level=hamlet, parent=world.dl_commune)
    assert unit.path.startswith(world.dl_commune.path)


def test_a_duplicate_unit_code_is_a_conflict_and_changes_nothing(world):
    before = list(AdministrativeUnit.objects.order_by("pk").values_list("pk", "code", "name"))
    with pytest.raises(Conflict) as caught:
        services.unit_create(
            code="427", name="Trùng", level=level("district"), parent=world.province
        )
    assert caught.value.code == "org.duplicate_code"
    assert caught.value.status == 409
    assert (
        list(AdministrativeUnit.objects.order_by("pk").values_list("pk", "code", "name")) == before
    )


@pytest.mark.parametrize(("code", "name", "fields"), [("", "Xã", {"code"}), ("X", "  ", {"name"})])
def test_a_unit_needs_a_code_and_a_name(world, code, name, fields):
    before = AdministrativeUnit.objects.count()
    with pytest.raises(ValidationFailed) as caught:
        services.unit_create(code=code, name=name, level=level("commune"), parent=world.dl)
    assert caught.value.code == "org.invalid"
    assert set(caught.value.fields) == fields
    assert AdministrativeUnit.objects.count() == before


def test_codes_and_names_are_stored_without_surrounding_spaces(world):
    unit = services.unit_create(
        code=" 42702 ", name=" Xã Yên Sơn ", level=level("commune"), parent=world.dl
    )
    unit.refresh_from_db()
    assert (unit.code, unit.name) == ("42702", "Xã Yên Sơn")


# --- dissolution --------------------------------------------------------------------------


def merged_commune(world) -> AdministrativeUnit:
    return services.unit_create(
        code="42799",
        name="Xã Đô Lương",
        level=level("commune"),
        parent=world.province,
        valid_from=date(2025, 7, 1),
    )


def test_dissolving_a_unit_ends_its_validity_and_names_its_successor(world):
    new = merged_commune(world)
    services.unit_dissolve(unit=world.dl_commune, valid_to=date(2025, 6, 30), successors=[new])
    world.dl_commune.refresh_from_db()
    assert world.dl_commune.valid_to == date(2025, 6, 30)
    assert list(world.dl_commune.successors.values_list("code", flat=True)) == ["42799"]
    assert list(new.predecessors.values_list("code", flat=True)) == ["42701"]
    assert world.dl_commune.is_valid_on(date(2025, 6, 30))
    assert not world.dl_commune.is_valid_on(date(2025, 7, 1))


def test_several_units_merge_into_one_and_keep_their_history(world):
    second = services.unit_create(
        code="42702",
        name="Xã Yên Sơn",
        level=level("commune"),
        parent=world.dl,
        valid_from=date(2000, 1, 1),
    )
    new = merged_commune(world)
    for old in [world.dl_commune, second]:
        services.unit_dissolve(unit=old, valid_to=date(2025, 6, 30), successors=[new])
    assert sorted(new.predecessors.values_list("code", flat=True)) == ["42701", "42702"]
    # the old units are still there, with their parent and agencies
    assert world.dl_commune.agencies.count() == 1
    assert AdministrativeUnit.objects.get(code="42701").parent == world.dl


def test_a_unit_split_in_two_names_both_successors(world):
    north = services.unit_create(
        code="42711", name="Xã Bắc", level=level("commune"), parent=world.dl
    )
    south = services.unit_create(
        code="42712", name="Xã Nam", level=level("commune"), parent=world.dl
    )
    services.unit_dissolve(
        unit=world.dl_commune, valid_to=date(2025, 6, 30), successors=[north, south]
    )
    assert sorted(world.dl_commune.successors.values_list("code", flat=True)) == ["42711", "42712"]


def test_a_unit_cannot_succeed_itself_and_nothing_changes(world):
    with pytest.raises(ValidationFailed) as caught:
        services.unit_dissolve(
            unit=world.dl_commune, valid_to=date(2025, 6, 30), successors=[world.dl_commune]
        )
    assert caught.value.code == "org.bad_successor"
    world.dl_commune.refresh_from_db()
    assert world.dl_commune.valid_to is None
    assert world.dl_commune.successors.count() == 0


def test_a_unit_cannot_end_before_it_starts_and_nothing_changes(world):
    new = merged_commune(world)
    with pytest.raises(ValidationFailed) as caught:
        services.unit_dissolve(unit=world.dl_commune, valid_to=date(1999, 12, 31), successors=[new])
    assert caught.value.code == "org.bad_period"
    assert set(caught.value.fields) == {"valid_to"}
    world.dl_commune.refresh_from_db()
    assert world.dl_commune.valid_to is None
    assert new.predecessors.count() == 0


def test_a_unit_may_end_on_the_day_it_starts(world):
    day = date(2000, 1, 1)
    services.unit_dissolve(unit=world.dl_commune, valid_to=day, successors=[])
    world.dl_commune.refresh_from_db()
    assert world.dl_commune.valid_to == day
