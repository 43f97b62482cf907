//! The hash function of one canonicalization run (SHA-256 or SHA-384), fed incrementally, and
//! fixed-size digests that sort like their lower-case hexadecimal form.

use sha2::{Digest as _, Sha256, Sha384};

use super::HashAlgorithm;

/// A finished hash. Unused trailing bytes are zero, so comparing two digests of the same
/// algorithm compares their hexadecimal forms in code point order.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Digest {
    bytes: [u8; 48],
    len: u8,
}

impl Digest {
    /// Appends the lower-case hexadecimal form.
    pub(super) fn push_hex(&self, out: &mut String) {
        let mut hex = [0u8; 96];
        let len = self.write_hex(&mut hex);
        for &byte in &hex[..len] {
            out.push(char::from(byte));
        }
    }

    /// Writes the lower-case hexadecimal form into `hex` and returns its length.
    pub(super) fn write_hex(&self, hex: &mut [u8; 96]) -> usize {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let len = usize::from(self.len);
        for (index, &byte) in self.bytes[..len].iter().enumerate() {
            hex[2 * index] = DIGITS[usize::from(byte >> 4)];
            hex[2 * index + 1] = DIGITS[usize::from(byte & 0x0F)];
        }
        2 * len
    }
}

/// An incremental hasher for the run's algorithm.
pub(super) enum Hasher {
    Sha256(Sha256),
    Sha384(Sha384),
}

impl Hasher {
    pub(super) fn new(algorithm: HashAlgorithm) -> Self {
        match algorithm {
            HashAlgorithm::Sha256 => Hasher::Sha256(Sha256::new()),
            HashAlgorithm::Sha384 => Hasher::Sha384(Sha384::new()),
        }
    }

    pub(super) fn update(&mut self, data: &[u8]) {
        match self {
            Hasher::Sha256(hasher) => hasher.update(data),
            Hasher::Sha384(hasher) => hasher.update(data),
        }
    }

    /// Feeds the hexadecimal form of a digest, as the algorithms hash hashes.
    pub(super) fn update_hex(&mut self, digest: &Digest) {
        let mut hex = [0u8; 96];
        let len = digest.write_hex(&mut hex);
        self.update(&hex[..len]);
    }

    pub(super) fn finish(self) -> Digest {
        let mut bytes = [0u8; 48];
        let len = match self {
            Hasher::Sha256(hasher) => {
                bytes[..32].copy_from_slice(&hasher.finalize());
                32
            }
            Hasher::Sha384(hasher) => {
                bytes[..48].copy_from_slice(&hasher.finalize());
                48
            }
        };
        Digest { bytes, len }
    }
}
