"""What counts as one email address.

Every address that enters the system passes through ``normalize_address``:
surrounding space stripped, the domain lower-cased and turned into punycode
(so ``Ana@Bücher.example`` and ``ana@xn--bcher-kva.example`` are one
subscriber), RFC 5321 length limits, then Django's ``EmailValidator``. The
local part keeps its case for display; uniqueness and suppression use the
whole address lower-cased (``address_key``), because in practice mailboxes
are case-insensitive and a list that treats them otherwise mails people twice.

Stricter than the RFCs where only abuse needs the latitude: no address
literals (``x@[127.0.0.1]``) and no single-label domains (``x@localhost``),
which would point our relay at its own or an internal network, and no control
characters in the local part, which the validator lets through inside quotes
and which no real mailbox needs.
"""

import hashlib

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator

MAX_ADDRESS_LENGTH = 254  # RFC 5321 path limit, minus the angle brackets
MAX_LOCAL_LENGTH = 64

INVALID = "Enter a valid email address, like name@example.org."
NO_DOMAIN_NAME = "Use an address with a full domain name, like name@example.org."
CONTROL_CHARACTERS = "That address contains characters that cannot be in an email address."

_validate = EmailValidator(message=INVALID)


def normalize_address(raw: str) -> str:
    """Return the canonical form of ``raw`` or raise ``ValidationError``."""
    value = (raw or "").strip()
    if len(value) > MAX_ADDRESS_LENGTH * 2:
        raise ValidationError("That address is too long.", code="too_long")
    local, at, domain = value.rpartition("@")
    if not at or not local or not domain:
        raise ValidationError(INVALID, code="invalid")
    if any(ord(char) < 0x20 or ord(char) == 0x7F for char in local):
        raise ValidationError(CONTROL_CHARACTERS, code="control_characters")
    domain = domain.rstrip(".").lower()
    try:
        # Python's built-in IDNA codec: bücher.example → xn--bcher-kva.example.
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        raise ValidationError(INVALID, code="invalid") from None
    if domain.startswith("[") or "." not in domain.strip("."):
        raise ValidationError(NO_DOMAIN_NAME, code="no_domain_name")
    address = f"{local}@{domain}"
    if len(local) > MAX_LOCAL_LENGTH or len(address) > MAX_ADDRESS_LENGTH:
        raise ValidationError("That address is too long.", code="too_long")
    _validate(address)
    return address


def address_key(address: str) -> str:
    """The form two spellings of one mailbox share (unique per subscriber)."""
    return address.strip().lower()


def mailbox_key(address: str) -> str:
    """The mailbox an address reaches: its key without a ``+tag`` (``a+1@x`` → ``a@x``).

    For limits only (the confirmation throttle): ``a+1@`` and ``a+2@`` land in
    one inbox, so mail to both is mail to one person. Subscribers keep their
    address as typed.
    """
    local, _, domain = address_key(address).rpartition("@")
    return f"{local.split('+', 1)[0] or local}@{domain}"


def address_hash(address: str) -> str:
    """What a suppression keeps of an address: sha256 of its key, hex."""
    return hashlib.sha256(address_key(address).encode()).hexdigest()
