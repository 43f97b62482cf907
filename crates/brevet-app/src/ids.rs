//! Random identifiers and secrets, and their hashes: ids are 128 random bits (opaque,
//! unguessable), secrets 256 bits; secrets are stored only as SHA-256 and compared in constant time.

use rand_core::{OsRng, RngCore};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

fn random_hex(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    OsRng.fill_bytes(&mut buffer);
    hex(&buffer)
}

/// Lowercase hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        let _ = write!(out, "{byte:02x}");
    }
    out
}

/// A new opaque id: 128 random bits as 32 hex characters.
pub fn new_id() -> String {
    random_hex(16)
}

/// A new secret with a recognisable prefix (`brv_…`): 256 random bits.
pub fn new_secret(prefix: &str) -> String {
    format!("{prefix}_{}", random_hex(32))
}

/// A new RFC 4122 version 4 UUID URN (`urn:uuid:…`).
pub fn new_urn_uuid() -> String {
    let mut b = [0u8; 16];
    OsRng.fill_bytes(&mut b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex(&b);
    format!(
        "urn:uuid:{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// SHA-256 of `text` as hex (how secrets are stored).
pub fn sha256_hex(text: &str) -> String {
    hex(&Sha256::digest(text.as_bytes()))
}

/// Compares two strings in constant time (for secrets).
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

/// A uniformly random index below `bound` (status list indices).
pub fn random_below(bound: u64) -> u64 {
    if bound == 0 {
        return 0;
    }
    // Rejection sampling: no modulo bias.
    let zone = u64::MAX - (u64::MAX % bound);
    loop {
        let value = OsRng.next_u64();
        if value < zone {
            return value % bound;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_128_bit_hex_and_distinct() {
        let a = new_id();
        assert_eq!(a.len(), 32);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, new_id());
    }

    #[test]
    fn urn_uuids_are_version_4() {
        let urn = new_urn_uuid();
        assert_eq!(urn.len(), "urn:uuid:".len() + 36);
        assert_eq!(&urn[23..24], "4");
    }

    #[test]
    fn random_below_stays_below() {
        for _ in 0..1000 {
            assert!(random_below(7) < 7);
        }
    }
}
