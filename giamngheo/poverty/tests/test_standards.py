"""The shipped poverty standards (data files) and the standard loader. Pure Python: no Django."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from giamngheo.poverty.standard import (
    DATA_DIR,
    Standard,
    StandardError,
    all_standards,
    get_standard,
    load_standards,
    standard_for,
)

ND07, ND351, DN = "ND07-2021", "ND351-2025", "DN-QD32-2022"

ND07_KEYS = (
    "employment",
    "dependants",
    "nutrition",
    "health_insurance",
    "adult_education",
    "child_schooling",
    "housing_quality",
    "housing_area",
    "water",
    "sanitation",
    "telecom",
    "information_devices",
)
ND351_KEYS = (*ND07_KEYS[:-1], "waste")

# ---------------------------------------------------------------------------------------------
# The shipped standards
# ---------------------------------------------------------------------------------------------


def test_the_three_shipped_standards_load() -> None:
    codes = [s.code for s in all_standards()]
    assert sorted(codes) == sorted([ND07, ND351, DN])
    assert load_standards([DATA_DIR]).keys() == {ND07, ND351, DN}
    for code in codes:
        assert isinstance(get_standard(code), Standard)
        assert get_standard(code).source_file == f"{code}.toml"


def test_get_standard_unknown_code_names_the_known_ones() -> None:
    with pytest.raises(StandardError, match=r"unknown standard 'ND99'.*ND07-2021"):
        get_standard("ND99")


@pytest.mark.parametrize(
    ("year", "code"),
    [
        *[pytest.param(y, ND07, id=f"{y}-ND07") for y in range(2022, 2027)],
        *[pytest.param(y, ND351, id=f"{y}-ND351") for y in range(2027, 2031)],
    ],
)
def test_national_standard_for_year(year: int, code: str) -> None:
    standard = standard_for(year)
    assert standard.code == code
    assert standard.is_national
    assert standard.governs(year)


@pytest.mark.parametrize("year", [2021, 2031], ids=["before-2022", "after-2030"])
def test_no_national_standard_outside_2022_2030(year: int) -> None:
    with pytest.raises(StandardError, match=f"no national poverty standard governs {year}"):
        standard_for(year)


@pytest.mark.parametrize("province", ["75", 75], ids=["str", "int"])
@pytest.mark.parametrize("year", [2022, 2024, 2025])
def test_dong_nai_standard(year: int, province: str | int) -> None:
    standard = standard_for(year, province=province)
    assert standard.code == DN
    assert standard.jurisdiction == "75"
    assert not standard.is_national


@pytest.mark.parametrize(
    ("year", "province"),
    [
        pytest.param(2026, "75", id="DN-not-extended-to-2026"),
        pytest.param(2021, "75", id="DN-before-2022"),
        pytest.param(2024, "01", id="province-without-own-standard"),
        pytest.param(2024, 1, id="province-int-without-own-standard"),
    ],
)
def test_no_provincial_standard(year: int, province: str | int) -> None:
    with pytest.raises(StandardError, match=f"no province {province} poverty standard governs {year}"):
        standard_for(year, province=province)


@pytest.mark.parametrize(
    ("code", "rural", "urban", "middle"),
    [
        pytest.param(ND07, 1_500_000, 2_000_000, (2_250_000, 3_000_000), id=ND07),
        pytest.param(ND351, 2_200_000, 2_800_000, None, id=ND351),
        pytest.param(DN, 2_000_000, 2_500_000, (3_000_000, 3_750_000), id=DN),
    ],
)
def test_income_lines_and_middle_band(
    code: str, rural: int, urban: int, middle: tuple[int, int] | None
) -> None:
    s = get_standard(code)
    assert (s.income_line.rural, s.income_line.urban) == (rural, urban)
    assert (s.line("rural"), s.line("urban")) == (rural, urban)
    if middle is None:
        assert s.middle_upper is None
        assert s.middle_limit("rural") is None
        assert s.middle_limit("urban") is None
    else:
        assert s.middle_upper is not None
        assert (s.middle_upper.rural, s.middle_upper.urban) == middle
        assert (s.middle_limit("rural"), s.middle_limit("urban")) == middle
    assert s.cutoff == 3


@pytest.mark.parametrize("code", [ND07, ND351, DN])
@pytest.mark.parametrize("area", ["city", "", "Rural", "đô thị"])
def test_unknown_area_raises(code: str, area: str) -> None:
    with pytest.raises(StandardError, match="unknown area type"):
        get_standard(code).line(area)


def test_nd07_indicators_dimensions_and_official_order() -> None:
    s = get_standard(ND07)
    assert s.indicator_keys == ND07_KEYS
    assert len(s.indicators) == 12
    assert [d.key for d in s.dimensions] == [
        "employment",
        "health",
        "education",
        "housing",
        "water_sanitation",
        "information",
    ]
    # Two indicators per basic social service, in the official numbering.
    assert [i.dimension for i in s.indicators] == [
        "employment",
        "employment",
        "health",
        "health",
        "education",
        "education",
        "housing",
        "housing",
        "water_sanitation",
        "water_sanitation",
        "information",
        "information",
    ]
    assert s.status == "published"
    assert (s.first_year, s.last_year) == (2022, 2026)


def test_nd351_indicators() -> None:
    s = get_standard(ND351)
    assert s.indicator_keys == ND351_KEYS
    assert "information_devices" not in s.indicator_keys
    assert "waste" in s.indicator_keys
    assert s.indicator("waste").dimension == "water_sanitation_environment"
    assert len({d.key for d in s.dimensions}) == 6
    assert (s.first_year, s.last_year) == (2027, 2030)
    with pytest.raises(KeyError):
        s.indicator("information_devices")


def test_dong_nai_inherits_nd07_indicators() -> None:
    dn, nd07 = get_standard(DN), get_standard(ND07)
    assert len(dn.indicators) == 12
    assert dn.indicator_keys == nd07.indicator_keys == ND07_KEYS
    assert dn.indicators == nd07.indicators
    assert dn.dimensions == nd07.dimensions
    assert (dn.first_year, dn.last_year) == (2022, 2025)


def test_nd07_rules_match_the_indicators() -> None:
    s = get_standard(ND07)
    assert {i.key: i.rule for i in s.indicators} == {
        "employment": "working_age_member_without_stable_job",
        "dependants": "dependants_share_above",
        "nutrition": "child_malnourished",
        "health_insurance": "member_without_health_insurance",
        "adult_education": "young_adult_without_expected_education",
        "child_schooling": "child_not_at_appropriate_level",
        "housing_quality": "non_durable_house",
        "housing_area": "floor_area_per_person_below",
        "water": "no_clean_water",
        "sanitation": "no_hygienic_latrine",
        "telecom": "no_member_uses_internet",
        "information_devices": "no_information_device",
    }
    assert get_standard(ND351).indicator("waste").rule == "waste_not_handled"


def test_nd07_scores() -> None:
    scores = get_standard(ND07).scores
    assert scores is not None
    assert scores.income_max_rural == 140
    assert scores.income_max_urban == 175
    assert scores.points_per_indicator == 10
    assert scores.poor_min_points == 30
    assert scores.poor_min_points == scores.points_per_indicator * get_standard(ND07).cutoff
    assert get_standard(ND351).scores is None
    assert get_standard(DN).scores is None


@pytest.mark.parametrize(
    ("code", "source_fragment"),
    [(ND07, "07/2021/NĐ-CP"), (ND351, "351/2025/NĐ-CP"), (DN, "32/2022/QĐ-UBND")],
    ids=[ND07, ND351, DN],
)
def test_legal_source_and_provisional_items(code: str, source_fragment: str) -> None:
    s = get_standard(code)
    assert s.legal_source.strip()
    assert source_fragment in s.legal_source
    items = s.all_provisional()
    assert items
    # The standard's own items first, then per indicator, prefixed with the indicator key.
    assert items[: len(s.provisional)] == list(s.provisional)
    assert all(": " in item for item in items[len(s.provisional) :])


def test_provisional_items_of_indicators_are_reported() -> None:
    items = get_standard(ND07).all_provisional()
    assert any(item.startswith("information_devices: ") for item in items)
    assert any(item.startswith("health_insurance: ") for item in items)
    assert not any(item.startswith("nutrition: ") for item in items)  # nutrition has none
    assert any(item.startswith("waste: ") for item in get_standard(ND351).all_provisional())


def test_standards_are_sorted_by_first_year_then_code() -> None:
    standards = all_standards()
    assert [s.code for s in standards] == [DN, ND07, ND351]


# ---------------------------------------------------------------------------------------------
# The loader, on small standard files written by the tests
# ---------------------------------------------------------------------------------------------

DIMENSIONS = """
[[dimensions]]
key = "living"
name_vi = "Điều kiện sống"
name_en = "Living conditions"
"""

INDICATOR = """
[[indicators]]
key = "{key}"
name_vi = "Chỉ số {key}"
name_en = "Indicator {key}"
dimension = "{dimension}"
rule = "no_clean_water"
params = {{ clean_sources = ["piped"] }}
"""


def standard_toml(
    code: str = "T-1",
    *,
    head: str = "",
    first_year: int = 2040,
    last_year: int = 2041,
    rural: str = "1_000_000",
    urban: str = "1_200_000",
    middle: tuple[str, str] | None = None,
    cutoff: str = "1",
    indicators: tuple[tuple[str, str], ...] = (("a", "living"), ("b", "living")),
    dimensions: str = DIMENSIONS,
    drop: tuple[str, ...] = (),
) -> str:
    """A small standard file; ``head`` adds top-level keys, ``drop`` removes lines starting with them."""
    lines = [
        f'code = "{code}"',
        'name_vi = "Chuẩn thử"',
        'name_en = "Test standard"',
        'legal_source = "Quyết định thử"',
        "issued = 2039-01-01",
        "effective = 2039-06-01",
        f"first_year = {first_year}",
        f"last_year = {last_year}",
        head,
        "",
        "[income_line]",
        f"rural = {rural}",
        f"urban = {urban}",
        "",
    ]
    if middle is not None:
        lines += ["[middle_upper]", f"rural = {middle[0]}", f"urban = {middle[1]}", ""]
    lines += ["[deprivation]", f"cutoff = {cutoff}", ""]
    if "indicators_from" not in head:
        lines.append(dimensions)
        lines += [INDICATOR.format(key=k, dimension=d) for k, d in indicators]
    return "\n".join(line for line in lines if not (drop and line.startswith(drop))) + "\n"


def write(directory: Path, name: str, text: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_valid_small_standard_loads(tmp_path: Path) -> None:
    write(tmp_path, "t1.toml", standard_toml(middle=("1_500_000", "1_800_000"), cutoff="2"))
    standards = load_standards([tmp_path])
    assert list(standards) == ["T-1"]
    s = standards["T-1"]
    assert s.indicator_keys == ("a", "b")
    assert (s.line("rural"), s.line("urban")) == (1_000_000, 1_200_000)
    assert (s.middle_limit("rural"), s.middle_limit("urban")) == (1_500_000, 1_800_000)
    assert s.cutoff == 2
    assert s.jurisdiction == "national"
    assert s.status == "published"
    assert s.source_file == "t1.toml"
    assert s.all_provisional() == []
    assert s.indicator("a").params["clean_sources"] == ["piped"]


def test_indicators_from_inherits_across_files_and_sorts_by_year(tmp_path: Path) -> None:
    write(tmp_path, "a.toml", standard_toml("T-1", first_year=2040, last_year=2041))
    write(
        tmp_path,
        "b.toml",
        standard_toml(
            "T-0", head='indicators_from = "T-1"\njurisdiction = "75"', first_year=2030, last_year=2031
        ),
    )
    standards = load_standards([tmp_path])
    assert list(standards) == ["T-0", "T-1"]  # by first year, not by file name
    assert standards["T-0"].indicators == standards["T-1"].indicators
    assert standards["T-0"].jurisdiction == "75"


def test_duplicate_code_across_two_files(tmp_path: Path) -> None:
    write(tmp_path, "a.toml", standard_toml("T-1"))
    write(tmp_path, "b.toml", standard_toml("T-1"))
    with pytest.raises(StandardError, match=r"b\.toml: standard T-1 is already defined in a\.toml"):
        load_standards([tmp_path])


def test_duplicate_code_across_two_directories(tmp_path: Path) -> None:
    write(tmp_path / "one", "a.toml", standard_toml("T-1"))
    write(tmp_path / "two", "z.toml", standard_toml("T-1"))
    with pytest.raises(StandardError, match=r"z\.toml.*T-1.*a\.toml"):
        load_standards([tmp_path / "one", tmp_path / "two"])


def test_unknown_indicators_from(tmp_path: Path) -> None:
    write(tmp_path, "a.toml", standard_toml("T-1", head='indicators_from = "NOPE"'))
    with pytest.raises(StandardError, match="unknown standard 'NOPE'"):
        load_standards([tmp_path])


def test_circular_indicators_from(tmp_path: Path) -> None:
    write(tmp_path, "a.toml", standard_toml("T-A", head='indicators_from = "T-B"'))
    write(tmp_path, "b.toml", standard_toml("T-B", head='indicators_from = "T-A"'))
    with pytest.raises(StandardError, match=r"circular indicators_from: T-(A|B) -> T-(A|B) -> T-(A|B)"):
        load_standards([tmp_path])


def test_self_referencing_indicators_from(tmp_path: Path) -> None:
    write(tmp_path, "a.toml", standard_toml("T-A", head='indicators_from = "T-A"'))
    with pytest.raises(StandardError, match="circular indicators_from: T-A -> T-A"):
        load_standards([tmp_path])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        pytest.param({"cutoff": "0"}, r"cutoff must be between 1 and 2", id="cutoff-0"),
        pytest.param({"cutoff": "-1"}, r"cutoff must be between 1 and 2", id="cutoff-negative"),
        pytest.param({"cutoff": "3"}, r"cutoff must be between 1 and 2", id="cutoff-above-indicators"),
        pytest.param({"rural": "-1_500_000"}, r"\[income_line\] rural: must be a positive", id="line-neg"),
        pytest.param({"rural": "0"}, r"\[income_line\] rural: must be a positive", id="line-zero"),
        pytest.param({"urban": "1_500_000.5"}, r"\[income_line\] urban: must be a positive", id="line-float"),
        pytest.param({"urban": "1.5e6"}, r"\[income_line\] urban: must be a positive", id="line-exponent"),
        pytest.param({"rural": '"1500000"'}, r"\[income_line\] rural: must be a positive", id="line-string"),
        pytest.param({"rural": "true"}, r"\[income_line\] rural: must be a positive", id="line-bool"),
        pytest.param(
            {"middle": ("900_000", "1_500_000")}, "middle_upper must be above the income line", id="mid-below"
        ),
        pytest.param(
            {"middle": ("1_500_000", "1_200_000")},
            "middle_upper must be above the income line",
            id="middle-equal-line",
        ),
        pytest.param(
            {"middle": ("1_500_000", "-1")}, r"\[middle_upper\] urban: must be a positive", id="middle-neg"
        ),
        pytest.param(
            {"indicators": (("a", "living"), ("b", "nowhere"))},
            "indicator b names unknown dimension nowhere",
            id="unknown-dimension",
        ),
        pytest.param(
            {"indicators": (("a", "living"), ("a", "living"))}, "duplicate indicator keys", id="dup-keys"
        ),
        pytest.param({"indicators": ()}, "a standard needs indicators", id="no-indicators"),
        pytest.param({"first_year": 2041, "last_year": 2040}, "last_year is before first_year", id="years"),
        pytest.param({"drop": ("code =",)}, "missing 'code'", id="missing-code"),
        pytest.param({"drop": ("urban =",)}, r"\[income_line\]: missing 'urban'", id="missing-urban"),
    ],
)
def test_invalid_standard_file(tmp_path: Path, kwargs: dict[str, object], message: str) -> None:
    write(tmp_path, "broken.toml", standard_toml(**kwargs))  # type: ignore[arg-type]
    with pytest.raises(StandardError, match=message) as excinfo:
        load_standards([tmp_path])
    assert "broken.toml" in str(excinfo.value)


def test_invalid_toml_names_the_file(tmp_path: Path) -> None:
    write(tmp_path, "bad.toml", 'code = "T-1"\nthis is not toml\n')
    with pytest.raises(StandardError, match=r"^bad\.toml: "):
        load_standards([tmp_path])


def test_a_valid_file_next_to_a_broken_one_is_not_enough(tmp_path: Path) -> None:
    write(tmp_path, "a.toml", standard_toml("T-1"))
    write(tmp_path, "b.toml", standard_toml("T-2", cutoff="0"))
    with pytest.raises(StandardError, match=r"b\.toml"):
        load_standards([tmp_path])


@pytest.mark.parametrize(
    "drop",
    [
        pytest.param(("first_year",), id="missing-first_year"),
        pytest.param(("name_vi",), id="missing-name_vi"),
        pytest.param(("cutoff",), id="missing-cutoff"),
    ],
)
def test_missing_required_field_raises_standard_error(tmp_path: Path, drop: tuple[str, ...]) -> None:
    write(tmp_path, "broken.toml", standard_toml(drop=drop))
    with pytest.raises(StandardError, match=r"broken\.toml"):
        load_standards([tmp_path])


def test_non_integer_cutoff_is_rejected(tmp_path: Path) -> None:
    indicators = (("a", "living"), ("b", "living"), ("c", "living"))
    write(tmp_path, "broken.toml", standard_toml(cutoff="2.5", indicators=indicators))
    with pytest.raises(StandardError, match=r"broken\.toml.*cutoff"):
        load_standards([tmp_path])


# ---------------------------------------------------------------------------------------------
# GIAMNGHEO_POVERTY_STANDARDS
# ---------------------------------------------------------------------------------------------


def test_environment_variable_adds_a_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "local.toml", standard_toml("LOCAL-1", head='indicators_from = "ND07-2021"'))
    monkeypatch.setenv("GIAMNGHEO_POVERTY_STANDARDS", str(tmp_path))
    standards = load_standards()
    assert set(standards) == {ND07, ND351, DN, "LOCAL-1"}
    # A local standard can reuse the indicators of a shipped one.
    assert standards["LOCAL-1"].indicator_keys == ND07_KEYS


def test_environment_variable_takes_several_directories(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "one", "x.toml", standard_toml("X-1"))
    write(tmp_path / "two", "y.toml", standard_toml("Y-1"))
    monkeypatch.setenv(
        "GIAMNGHEO_POVERTY_STANDARDS", os.pathsep.join([str(tmp_path / "one"), "", str(tmp_path / "two")])
    )
    assert {"X-1", "Y-1", ND07} <= set(load_standards())


def test_environment_variable_cannot_redefine_a_shipped_standard(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, "fake.toml", standard_toml(ND07))
    monkeypatch.setenv("GIAMNGHEO_POVERTY_STANDARDS", str(tmp_path))
    with pytest.raises(StandardError, match=r"fake\.toml: standard ND07-2021 is already defined"):
        load_standards()


def test_without_the_environment_variable_only_the_shipped_standards(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GIAMNGHEO_POVERTY_STANDARDS", raising=False)
    assert set(load_standards()) == {ND07, ND351, DN}


@pytest.mark.parametrize("code", ["ND07-2021", "ND351-2025", "DN-QD32-2022"])
def test_the_dependants_rule_is_marked_provisional(code: str) -> None:
    """review-forms.md §1.2 row 2: who is a dependant is UNCONFIRMED for 2022-2025 (the 2026-2030 draft's
    definition is used), and the age of "elderly" is the application's choice."""
    dependants = get_standard(code).indicator("dependants")
    notes = " ".join(dependants.provisional)
    assert "unconfirmed" in notes and "monthly social allowance" in notes and "60" in notes
    assert dependants.params["elderly_min_age"] == 60 and dependants.params["child_max_age"] == 16
    assert any(item.startswith("dependants: ") for item in get_standard(code).all_provisional())


def test_indicators_11_and_12_and_the_middle_band_are_marked_provisional() -> None:
    nd07 = get_standard("ND07-2021")
    assert nd07.indicator("telecom").provisional and nd07.indicator("information_devices").provisional
    assert any("Middle-living" in item for item in nd07.provisional)
    assert any("middle-living" in item for item in get_standard("ND351-2025").provisional)


def test_every_provisional_note_has_its_vietnamese_text() -> None:
    for standard in all_standards():
        assert len(standard.provisional_vi) == len(standard.provisional), standard.code
        assert standard.provisional_notes(True) == standard.provisional_vi
        assert standard.provisional_notes(False) == standard.provisional
        for indicator in standard.indicators:
            assert len(indicator.provisional_vi) == len(indicator.provisional), (standard.code, indicator.key)
