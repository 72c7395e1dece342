"""storage.crypto: SM4-GCM round trips, tamper and wrong-key detection, normalisers, masking."""

from __future__ import annotations

import base64

import pytest

from storage import crypto
from storage.crypto import PiiError

KEY = bytes(range(16))
OTHER_KEY = bytes(range(1, 17))


def test_encrypt_then_decrypt_returns_the_plaintext() -> None:
    token = crypto.encrypt("张三 13800138000", key=KEY)
    assert crypto.decrypt(token, key=KEY) == "张三 13800138000"


def test_ciphertext_has_a_version_prefix_and_hides_the_plaintext() -> None:
    token = crypto.encrypt("13800138000")
    assert token.startswith("v1:")
    assert "13800138000" not in token
    assert "13800138000".encode() not in base64.b64decode(token[3:])


def test_encrypting_twice_gives_different_ciphertexts_with_random_nonces() -> None:
    assert crypto.encrypt("same", key=KEY) != crypto.encrypt("same", key=KEY)


def test_default_key_round_trips_through_settings() -> None:
    assert crypto.decrypt(crypto.encrypt("王五")) == "王五"


def test_a_flipped_ciphertext_byte_is_detected() -> None:
    blob = bytearray(base64.b64decode(crypto.encrypt("13800138000", key=KEY)[3:]))
    blob[14] ^= 0x01
    tampered = "v1:" + base64.b64encode(bytes(blob)).decode()
    with pytest.raises(PiiError, match="authentication"):
        crypto.decrypt(tampered, key=KEY)


def test_decrypting_with_the_wrong_key_fails() -> None:
    with pytest.raises(PiiError):
        crypto.decrypt(crypto.encrypt("13800138000", key=KEY), key=OTHER_KEY)


def test_unknown_key_version_and_missing_prefix_are_rejected() -> None:
    body = crypto.encrypt("x", key=KEY)[3:]
    with pytest.raises(PiiError, match="unknown PII key version"):
        crypto.decrypt("v9:" + body)
    with pytest.raises(PiiError, match="prefix"):
        crypto.decrypt(body)


@pytest.mark.parametrize(
    "raw",
    ["13800138000", "138 0013 8000", "138-0013-8000", "+86 138 0013 8000", "0086-13800138000",
     "+86(138)00138000", " 8613800138000 "],
)
def test_phone_formats_normalise_to_eleven_digits(raw: str) -> None:
    assert crypto.normalize_phone(raw) == "13800138000"


@pytest.mark.parametrize("raw", ["12345", "23800138000", "138001380001", "abc", ""])
def test_invalid_phones_raise_an_error_naming_the_field(raw: str) -> None:
    with pytest.raises(PiiError) as info:
        crypto.normalize_phone(raw, "mobile")
    assert info.value.field == "mobile"
    assert "mobile" in str(info.value)


def test_email_is_trimmed_and_lowercased_and_invalid_ones_rejected() -> None:
    assert crypto.normalize_email("  Zhang.San@QQ.COM ") == "zhang.san@qq.com"
    with pytest.raises(PiiError) as info:
        crypto.normalize_email("not-an-email")
    assert info.value.field == "email"


def test_generic_values_are_trimmed_and_empty_ones_rejected() -> None:
    assert crypto.normalize_text("  oABC123 ") == "oABC123"
    with pytest.raises(PiiError):
        crypto.normalize_text("   ", "name")


def test_blind_index_is_equal_across_phone_formats_and_differs_between_numbers() -> None:
    a = crypto.blind_index_phone("+86 138-0013-8000")
    assert a == crypto.blind_index_phone("13800138000")
    assert a != crypto.blind_index_phone("13800138001")
    assert len(a) == 64


def test_blind_index_depends_on_the_key() -> None:
    assert crypto.blind_index("13800138000", key=KEY) != crypto.blind_index("13800138000", key=OTHER_KEY)


def test_email_blind_index_ignores_case_and_spaces() -> None:
    assert crypto.blind_index_email(" Z@QQ.com") == crypto.blind_index_email("z@qq.com")


def test_identity_namespaces_pick_their_normaliser() -> None:
    assert crypto.blind_index_for(crypto.identity_kind("phone"), "+8613800138000") == (
        crypto.blind_index_phone("13800138000")
    )
    assert crypto.identity_kind("wechat_openid") == "text"


def test_masking_hides_the_middle_of_personal_data() -> None:
    assert crypto.mask_phone("13800138000") == "138****8000"
    assert crypto.mask_email("zhangsan@qq.com") == "z***@qq.com"
    assert crypto.mask_name("张三") == "张*"
    assert crypto.mask_name("欧阳娜娜") == "欧***"
    assert crypto.mask_phone(None) == ""
