import pytest

from giamngheo.fund.words import amount_in_words


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (0, "Không đồng"),
        (15, "Mười lăm đồng"),
        (21, "Hai mươi mốt đồng"),
        (24, "Hai mươi tư đồng"),
        (105, "Một trăm linh năm đồng"),
        (2_005, "Hai nghìn không trăm linh năm đồng"),
        (1_050_000, "Một triệu không trăm năm mươi nghìn đồng"),
        (1_500_000, "Một triệu năm trăm nghìn đồng"),
        (3_015_000, "Ba triệu không trăm mười lăm nghìn đồng"),
        (1_000_000_000, "Một tỷ đồng"),
        (
            1_234_567_890,
            "Một tỷ hai trăm ba mươi tư triệu năm trăm sáu mươi bảy nghìn tám trăm chín mươi đồng",
        ),
        (5_000_000_000_000, "Năm nghìn tỷ đồng"),
    ],
)
def test_amount_in_words(amount: int, words: str) -> None:
    assert amount_in_words(amount) == words


def test_negative_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        amount_in_words(-1)
