"""An export's --split takes finite shares only: NaN passed both checks (no comparison with it
holds), so "--split nan,0.5,0.5" was taken and wrote a train part of nothing, every document
falling to the last part, exit 0."""

from __future__ import annotations

import pytest

from annotate.errors import InputError
from db.transfer import Split


@pytest.mark.parametrize("text", ["nan,0.5,0.5", "0.5,nan", "inf,0,0", "1,-inf,inf",
                                  "0.8,0.1,0.1,0", "-0.5,1.5"])
def test_a_share_that_is_no_finite_number_is_refused(text: str):
    with pytest.raises(InputError, match="add up to 1"):
        Split.parse(text)


def test_good_shares_are_taken():
    assert Split.parse("0.8,0.1,0.1", 3).shares == (0.8, 0.1, 0.1)
    assert Split.parse("0.5,0.5").shares == (0.5, 0.5)
