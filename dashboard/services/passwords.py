"""Local passwords: scrypt hashing with a per-user salt, and the length rules."""

import hashlib
import hmac
import secrets

# scrypt cost: n=2**14, r=8, p=1 is the interactive-login setting (about 16 MB, tens of ms).
SCRYPT_N, SCRYPT_R, SCRYPT_P, SCRYPT_LEN = 2**14, 8, 1, 32


MIN_PASSWORD_LENGTH = 12


MAX_PASSWORD_LENGTH = 1024


def hash_password(password: str, salt: bytes | None = None) -> tuple[str, str]:
    """``(hash_hex, salt_hex)`` with ``hashlib.scrypt`` and a fresh 16-byte salt unless one is given."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.scrypt(
        password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=SCRYPT_LEN, maxmem=64 * 1024 * 1024
    )
    return digest.hex(), salt.hex()


def verify_password(password: str, hash_hex: str, salt_hex: str) -> bool:
    candidate, _ = hash_password(password, bytes.fromhex(salt_hex))
    return hmac.compare_digest(candidate, hash_hex)


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"password: must be at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValueError(f"password: must be at most {MAX_PASSWORD_LENGTH} characters")
