"""SM2/SM3/SM4 as the portal uses them: the standards' examples, and a second implementation
(gmssl, pure Python) agreeing with Tongsuo both ways."""

import pytest
from gmssl import func
from gmssl import sm2 as gm_sm2
from gmssl import sm3 as gm_sm3
from gmssl.sm4 import SM4_ENCRYPT, CryptSM4
from tongsuopy.crypto.ciphers import Cipher, algorithms, modes

from elicense import sm

#: GB/T 32905-2016 appendix A: "abc" and the 64-byte "abcd" x 16.
SM3_EXAMPLES = [
    (b"abc", "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"),
    (b"abcd" * 16, "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"),
]
#: GB/T 32907-2016 appendix A.1: key and plaintext are the same block.
SM4_KEY = bytes.fromhex("0123456789abcdeffedcba9876543210")
SM4_CIPHERTEXT = bytes.fromhex("681edf34d206965e86b3e94f536e4246")


@pytest.mark.parametrize(("message", "digest"), SM3_EXAMPLES)
def test_sm3_gives_the_standard_digests_in_both_implementations(message, digest):
    assert sm.sm3(message).hex() == digest
    assert gm_sm3.sm3_hash(func.bytes_to_list(message)) == digest


def test_sm4_encrypts_the_standard_example_block():
    encryptor = Cipher(algorithms.SM4(SM4_KEY), modes.ECB()).encryptor()
    assert encryptor.update(SM4_KEY) + encryptor.finalize() == SM4_CIPHERTEXT

    gm = CryptSM4()
    gm.set_key(SM4_KEY, SM4_ENCRYPT)
    assert gm.crypt_ecb(SM4_KEY)[:16] == SM4_CIPHERTEXT


def test_a_private_key_sealed_with_sm4_opens_only_with_its_passphrase():
    public_key, sealed = sm.generate_key_pair(b"right passphrase")

    assert sealed.startswith("sm4-gcm/pbkdf2-hmac-sm3$100000$")
    private_key = sm.load_private_key(sealed, b"right passphrase")
    assert sm.public_key_text(private_key.public_key()) == public_key
    with pytest.raises(sm.BadSignature):
        sm.load_private_key(sealed, b"wrong passphrase")
    flipped = sealed[:-3] + ("A" if sealed[-3] != "A" else "B") + sealed[-2:]
    with pytest.raises(sm.BadSignature):
        sm.load_private_key(flipped, b"right passphrase")


def _gmssl_for(public_key_text: str, private_key=None) -> gm_sm2.CryptSM2:
    point = sm.b64url_decode(public_key_text)
    private_hex = f"{private_key.private_numbers().private_value:064x}" if private_key else ""
    return gm_sm2.CryptSM2(private_key=private_hex, public_key=point[1:].hex(), asn1=True)


def test_portal_sm2_signatures_verify_in_gmssl_with_the_default_identity():
    public_key, sealed = sm.generate_key_pair(b"p")
    private_key = sm.load_private_key(sealed, b"p")
    message = "营业执照 91310000MA1FL0000X".encode()

    signature = sm.sign_bytes(message, private_key)

    gm = _gmssl_for(public_key)
    assert signature[0] == 0x30  # DER SEQUENCE of r and s
    assert gm.verify_with_sm3(signature.hex(), message)
    assert not gm.verify_with_sm3(signature.hex(), message + b"!")


def _key_pair_gmssl_signs_for():
    """A portal key pair whose public x coordinate has no leading zero hex digit. gmssl 3.2.2
    signs wrongly for some keys (about one in 150 at random; gmssl's own verify then fails
    on its signature too), and every such key seen had x < 2^252: this test failed at
    random, the second implementation's fault, not the portal's. 0 failures in 600 draws
    with such keys left out, against 2 in 300 before."""
    while True:
        public_key, sealed = sm.generate_key_pair(b"p")
        if sm.b64url_decode(public_key)[1] >= 0x10:
            return public_key, sealed


def test_gmssl_sm2_signatures_for_a_portal_key_verify_in_the_portal():
    public_key, sealed = _key_pair_gmssl_signs_for()
    gm = _gmssl_for(public_key, sm.load_private_key(sealed, b"p"))
    message = b'{"i":"abc","u":"91310000MA1FL0000X"}'

    signature = bytes.fromhex(gm.sign_with_sm3(message, func.random_hex(gm.para_len)))

    sm.verify_bytes(signature, message, sm.load_public_key(public_key))
    with pytest.raises(sm.BadSignature):
        sm.verify_bytes(signature, message.replace(b"abc", b"abd"), sm.load_public_key(public_key))


def test_sm4_gcm_sealing_decrypts_with_a_second_sm4():
    """The sealed key's keystream is SM4-CTR (GCM's counter mode), so gmssl's SM4 block
    function reproduces the plaintext from the derived key, nonce and ciphertext."""
    _public, sealed = sm.generate_key_pair(b"p")
    _format, iterations, salt, nonce, box = sealed.split("$")
    key = sm._key_encryption_key(b"p", sm.b64url_decode(salt), int(iterations))
    ciphertext = sm.b64url_decode(box)[:-16]
    gm = CryptSM4()
    gm.set_key(key, SM4_ENCRYPT)
    nonce_bytes = sm.b64url_decode(nonce)
    keystream = b"".join(
        gm.crypt_ecb(nonce_bytes + (counter + 2).to_bytes(4, "big"))[:16]
        for counter in range(len(ciphertext) // 16 + 1)
    )
    plaintext = bytes(a ^ b for a, b in zip(ciphertext, keystream, strict=False))
    assert plaintext == sm.decrypt_private_key(sealed, b"p")
