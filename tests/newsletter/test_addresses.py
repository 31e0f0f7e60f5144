import pytest
from django.core.exceptions import ValidationError

from newsletter.addresses import address_hash, normalize_address


def test_domain_is_lower_cased_and_idn_turned_into_punycode():
    assert normalize_address("  Ana.Silva@Bücher.Example ") == "Ana.Silva@xn--bcher-kva.example"


def test_two_spellings_of_one_mailbox_share_a_hash():
    assert address_hash("ANA@example.org") == address_hash("ana@EXAMPLE.org")


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "no-at-sign",
        "a@b@",
        "spaces in@example.org",
        "x" * 65 + "@example.org",
        "a@" + "d" * 250 + ".org",
        "bad@exa mple.org",
        "line\nbreak@example.org",
        "héllo@example.org",
    ],
)
def test_malformed_addresses_are_refused(raw):
    with pytest.raises(ValidationError):
        normalize_address(raw)
