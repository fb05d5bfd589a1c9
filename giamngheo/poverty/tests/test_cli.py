"""The command line (``python -m giamngheo.poverty``): no Django, no database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

import pytest

from giamngheo.poverty.cli import main
from giamngheo.poverty.standard import get_standard

REPO = Path(__file__).resolve().parents[3]
ND07_KEYS = get_standard("ND07-2021").indicator_keys
ND351_KEYS = get_standard("ND351-2025").indicator_keys
HEADER = "household_id,category,deprivation_count,deprived,standard,unknown"

Row = tuple[str, str, str, Iterable[str]]  # id, area, income as written, deprived keys


def write_csv(path: Path, keys: Iterable[str], rows: Iterable[Row]) -> Path:
    keys = list(keys)
    lines = [",".join(["household_id", "area", "income_per_capita", *keys])]
    for hid, area, income, deprived in rows:
        flags = ["1" if k in set(deprived) else "0" for k in keys]
        lines.append(",".join([hid, area, f'"{income}"' if "," in income else income, *flags]))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def cli(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    """Run the command line; argparse errors (SystemExit) are returned as exit codes too."""
    try:
        code = main([str(a) for a in args])
    except SystemExit as exc:
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


THREE = ("employment", "dependants", "nutrition")


def test_classify_2026_uses_nd07(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = write_csv(
        tmp_path / "in.csv",
        ND07_KEYS,
        [
            ("h1", "rural", "1500000", THREE),  # at the line, 3 deprivations
            ("h2", "rural", "1500001", THREE),  # one đồng above
            ("h3", "urban", "2000000", ("water", "sanitation")),
            ("h4", "urban", "3000001", ()),
            ("h5", "rural", "2250000", ("information_devices",)),
        ],
    )
    code, out, err = cli(capsys, "classify", data, "--year", "2026")
    assert code == 0
    assert out.splitlines() == [
        HEADER,
        "h1,poor,3,employment;dependants;nutrition,ND07-2021,",
        "h2,middle,3,employment;dependants;nutrition,ND07-2021,",
        "h3,near_poor,2,water;sanitation,ND07-2021,",
        "h4,not_poor,0,,ND07-2021,",
        "h5,middle,1,information_devices,ND07-2021,",
    ]
    assert "5 households classified under ND07-2021: poor=1, near_poor=1, middle=2, not_poor=1" in err


def test_classify_by_standard_code(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = write_csv(tmp_path / "in.csv", ND07_KEYS, [("h1", "urban", "2000000", THREE)])
    code, out, _ = cli(capsys, "classify", data, "--standard", "ND07-2021")
    assert code == 0
    assert out.splitlines()[1] == "h1,poor,3,employment;dependants;nutrition,ND07-2021,"


def test_classify_2027_uses_nd351_and_ignores_information_devices(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    keys = (*ND07_KEYS, "waste")  # a file with both the old and the new columns
    data = write_csv(
        tmp_path / "in.csv",
        keys,
        [
            ("h1", "rural", "2200000", ("information_devices", "water", "sanitation")),
            ("h2", "rural", "2200000", ("water", "sanitation", "waste")),
            ("h3", "urban", "2800001", ("water", "sanitation", "waste")),
            ("h4", "urban", "1500001", ("information_devices",)),
        ],
    )
    code, out, err = cli(capsys, "classify", data, "--year", "2027")
    assert code == 0
    assert out.splitlines() == [
        HEADER,
        "h1,near_poor,2,water;sanitation,ND351-2025,",
        "h2,poor,3,water;sanitation;waste,ND351-2025,",
        "h3,not_poor,3,water;sanitation;waste,ND351-2025,",
        "h4,near_poor,0,,ND351-2025,",
    ]
    assert "under ND351-2025" in err


def test_classify_2027_needs_the_waste_column(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = write_csv(tmp_path / "in.csv", ND07_KEYS, [("h1", "rural", "1", ())])
    code, out, err = cli(capsys, "classify", data, "--year", "2027")
    assert code == 2
    assert out == ""
    assert "error: line 1, column waste: missing column" in err


def test_classify_dong_nai(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = write_csv(
        tmp_path / "in.csv",
        ND07_KEYS,
        [
            ("h1", "rural", "2000000", THREE),
            ("h2", "rural", "3000000", THREE),
            ("h3", "rural", "3000001", ()),
            ("h4", "urban", "2500000", ("water",)),
        ],
    )
    code, out, _ = cli(capsys, "classify", data, "--year", "2024", "--province", "75")
    assert code == 0
    assert out.splitlines() == [
        HEADER,
        "h1,poor,3,employment;dependants;nutrition,DN-QD32-2022,",
        "h2,middle,3,employment;dependants;nutrition,DN-QD32-2022,",
        "h3,not_poor,0,,DN-QD32-2022,",
        "h4,near_poor,1,water,DN-QD32-2022,",
    ]


def test_classify_shows_undetermined_rows(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An empty cell or "?" is not known: never deprived, never not deprived."""
    keys = list(ND07_KEYS)

    def row(hid: str, income: str, deprived: Iterable[str], unknown: Iterable[str]) -> str:
        flags = ["?" if k in set(unknown) else "1" if k in set(deprived) else "0" for k in keys]
        return ",".join([hid, "rural", income, *flags])

    data = tmp_path / "in.csv"
    data.write_text(
        "\n".join(
            [
                ",".join(["household_id", "area", "income_per_capita", *keys]),
                row("h1", "1000000", ("water", "sanitation"), ("information_devices",)),  # could be poor
                row("h2", "1000000", ("water",), ("information_devices",)),  # near-poor anyway
                row("h3", "", (), ()),  # no income
                row("h4", "1600000", (), ("information_devices", "telecom")),  # above the line
                row("h5", "1000000", THREE, ("water",)),  # poor anyway
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    code, out, err = cli(capsys, "classify", data, "--year", "2026")
    assert code == 0
    assert out.splitlines() == [
        HEADER,
        "h1,undetermined,2,water;sanitation,ND07-2021,information_devices",
        "h2,near_poor,1,water,ND07-2021,information_devices",
        "h3,undetermined,0,,ND07-2021,income_per_capita",
        "h4,middle,0,,ND07-2021,telecom;information_devices",
        "h5,poor,3,employment;dependants;nutrition,ND07-2021,water",
    ]
    assert "poor=1, near_poor=1, middle=1, not_poor=0, undetermined=2" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(("--year", "2026", "--province", "75"), "no province 75 poverty standard", id="DN-2026"),
        pytest.param(("--year", "2031"), "no national poverty standard governs 2031", id="2031"),
        pytest.param(("--standard", "ND99"), "unknown standard 'ND99'", id="unknown-code"),
    ],
)
def test_classify_without_a_standard(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    data = write_csv(tmp_path / "in.csv", ND07_KEYS, [("h1", "rural", "1", ())])
    code, out, err = cli(capsys, "classify", data, *args)
    assert code == 2
    assert out == ""
    assert message in err


def test_vietnamese_grouped_incomes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = write_csv(
        tmp_path / "in.csv",
        ND07_KEYS,
        [
            ("h1", "rural", "1.500.000", THREE),
            ("h2", "rural", "1.500.001", ()),
            ("h3", "urban", "2.000.000", ()),
            ("h4", "urban", "3,000,001", ()),  # English grouping too
            ("h5", "rural", " 900.000 ", ()),
        ],
    )
    code, out, _ = cli(capsys, "classify", data, "--year", "2026")
    assert code == 0
    assert [line.split(",")[1] for line in out.splitlines()[1:]] == [
        "poor",
        "middle",
        "near_poor",
        "not_poor",
        "near_poor",
    ]


def test_output_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = write_csv(tmp_path / "in.csv", ND07_KEYS, [("h1", "rural", "1500000", THREE)])
    target = tmp_path / "out.csv"
    target.write_text("old\n", encoding="utf-8")
    code, out, err = cli(capsys, "classify", data, "--year", "2026", "-o", target)
    assert code == 0
    assert out == ""
    assert target.read_text(encoding="utf-8").splitlines() == [
        HEADER,
        "h1,poor,3,employment;dependants;nutrition,ND07-2021,",
    ]
    assert "1 households classified" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "out.csv"]  # no temporary file left


def bad_file(path: Path) -> Path:
    keys = list(ND07_KEYS)
    good = ["0"] * len(keys)
    water = keys.index("water")
    lines = [
        ",".join(["household_id", "area", "income_per_capita", *keys]),
        ",".join(["h1", "city", "1000000", *good]),  # line 2: bad area
        ",".join(["h2", "rural", "abc", *good]),  # line 3: non-numeric income
        ",".join(["h3", "rural", "1000000", *good[:water], "2", *good[water + 1 :]]),  # line 4
        ",".join(["h4", "urban", "1000000", *good]),  # line 5: fine
        ",".join(["", "rural", "-5", *good]),  # line 6: two errors
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


EXPECTED_ERRORS = [
    "error: line 2, column area: 'city' is not 'rural' or 'urban'",
    "error: line 3, column income_per_capita: 'abc' is not a whole number of VND",
    "error: line 4, column water: '2' is not 0 or 1",
    "error: line 6, column household_id: empty",
    "error: line 6, column income_per_capita: '-5' is not a whole number of VND",
    "5 error(s); nothing was written.",
]


def test_bad_file_lists_every_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(capsys, "classify", bad_file(tmp_path / "bad.csv"), "--year", "2026")
    assert code == 2
    assert out == ""
    assert err.splitlines() == EXPECTED_ERRORS


def test_bad_file_does_not_create_the_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "out.csv"
    code, _, err = cli(capsys, "classify", bad_file(tmp_path / "bad.csv"), "--year", "2026", "-o", target)
    assert code == 2
    assert err.splitlines() == EXPECTED_ERRORS
    assert not target.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.csv"]


def test_bad_file_does_not_overwrite_the_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "out.csv"
    target.write_text("household_id,category\nold,poor\n", encoding="utf-8")
    code, _, _ = cli(capsys, "classify", bad_file(tmp_path / "bad.csv"), "--year", "2026", "-o", target)
    assert code == 2
    assert target.read_text(encoding="utf-8") == "household_id,category\nold,poor\n"


def test_missing_indicator_column(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    keys = [k for k in ND07_KEYS if k not in ("telecom", "water")]
    data = write_csv(tmp_path / "in.csv", keys, [("h1", "rural", "1", ())])
    target = tmp_path / "out.csv"
    code, out, err = cli(capsys, "classify", data, "--year", "2026", "-o", target)
    assert code == 2
    assert out == ""
    assert err.splitlines() == [
        "error: line 1, column water: missing column",
        "error: line 1, column telecom: missing column",
        "2 error(s); nothing was written.",
    ]
    assert not target.exists()


def test_missing_input_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(capsys, "classify", tmp_path / "nope.csv", "--year", "2026")
    assert code == 2
    assert out == ""
    assert err.startswith("error: ")


def test_superscript_digit_income_is_a_row_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = write_csv(
        tmp_path / "in.csv",
        ND07_KEYS,
        [("h1", "rural", "1500000²", ()), ("h2", "city", "1", ())],
    )
    code, _, err = cli(capsys, "classify", data, "--year", "2026")
    assert code == 2
    assert "line 2, column income_per_capita" in err
    assert "line 3, column area" in err


def test_standards_lists_codes_and_provisional_items(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "standards")
    assert code == 0
    for expected in ("ND07-2021", "ND351-2025", "DN-QD32-2022", "provisional", "province 75"):
        assert expected in out
    assert (
        "income line rural 1,500,000 / urban 2,000,000 VND; middle-living up to 2,250,000 / 3,000,000" in out
    )
    assert "income line rural 2,200,000 / urban 2,800,000 VND; no middle-living band" in out
    assert out.index("DN-QD32-2022") < out.index("ND07-2021") < out.index("ND351-2025")


def test_province_without_year(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = write_csv(tmp_path / "in.csv", ND07_KEYS, [("h1", "rural", "1", ())])
    code, out, err = cli(capsys, "classify", data, "--standard", "ND07-2021", "--province", "75")
    assert code == 2
    assert out == ""
    assert "--province needs --year" in err
    # Neither --standard nor --year: argparse refuses, also with exit status 2.
    code, out, _ = cli(capsys, "classify", data, "--province", "75")
    assert code == 2
    assert out == ""


def test_af_on_a_hand_computed_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # 4 households x 3 indicators, equal weights 1/3, k = 0.5.
    #          a  b  c   score c_i        poor (c_i >= 0.5)?
    #   h1     1  1  0   2/3              yes
    #   h2     1  0  0   1/3              no
    #   h3     1  1  1   1                yes
    #   h4     0  0  1   1/3              no
    # q = 2, H = 2/4 = 0.5; A = (2/3 + 1) / 2 = 5/6; M0 = H * A = 5/12 = (2/3 + 1) / 4.
    # Uncensored headcounts: a 3/4, b 2/4, c 2/4.
    # Censored (poor = h1, h3): a 2/4, b 2/4, c 1/4.
    # Contributions w * h / M0: a (1/3 * 1/2) / (5/12) = 2/5, b 2/5, c (1/3 * 1/4) / (5/12) = 1/5.
    path = tmp_path / "af.csv"
    path.write_text("household_id,a,b,c\nh1,1,1,0\nh2,1,0,0\nh3,1,1,1\nh4,0,0,1\n", encoding="utf-8")
    code, out, err = cli(capsys, "af", path, "--indicators", "a,b,c", "--k", "0.5")
    assert code == 0, err
    result = json.loads(out)
    assert {"H", "A", "M0", "uncensored_headcount", "censored_headcount", "contribution"} <= set(result)
    approx = pytest.approx
    assert result["H"] == approx(0.5)
    assert result["A"] == approx(5 / 6)
    assert result["M0"] == approx(5 / 12)
    assert result["uncensored_headcount"] == approx({"a": 0.75, "b": 0.5, "c": 0.5})
    assert result["censored_headcount"] == approx({"a": 0.5, "b": 0.5, "c": 0.25})
    assert result["contribution"] == approx({"a": 0.4, "b": 0.4, "c": 0.2})


def test_module_runs_without_django() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("GIAMNGHEO_POVERTY_STANDARDS", "PYTHONPATH")}
    run = subprocess.run(
        [sys.executable, "-m", "giamngheo.poverty", "standards"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert "ND07-2021" in run.stdout
    check = (
        "import sys, giamngheo.poverty.cli, giamngheo.poverty.whatif; "
        "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules); "
        "assert giamngheo.poverty.cli.main(['standards']) == 0; "
        "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules)"
    )
    run = subprocess.run(  # noqa: S603 - a fixed script run with this interpreter
        [sys.executable, "-c", check],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert "ND07-2021" in run.stdout
