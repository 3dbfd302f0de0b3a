"""Evidence is encrypted with the portal's one cipher, which the staff's authenticator secrets
share: it lives in portal/encryption.py. The case service (portal/cases/) still imports it
by this name; new code imports portal.encryption."""

from portal.encryption import EvidenceCipher, EvidenceTampered

__all__ = ["EvidenceCipher", "EvidenceTampered"]
