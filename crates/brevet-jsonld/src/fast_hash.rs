//! A fast non-cryptographic hasher (the Fx multiply-rotate scheme) for the term and cache maps.
//!
//! Keys of these maps come from contexts (pinned by the caller) and from internal identifiers,
//! and documents only look keys up, so hash flooding is not a concern here.

use std::hash::{BuildHasherDefault, Hasher};

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

#[derive(Default, Clone, Copy)]
pub(crate) struct FxHasher {
    hash: u64,
}

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            self.add(tail_word(rest) ^ (rest.len() as u64) << 56);
        }
    }

    #[inline]
    fn write_u8(&mut self, value: u8) {
        self.add(u64::from(value));
    }

    #[inline]
    fn write_u64(&mut self, value: u64) {
        self.add(value);
    }

    #[inline]
    fn write_usize(&mut self, value: usize) {
        self.add(value as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        // Fold the well-mixed high bits into the low bits the table indexes with.
        self.hash.rotate_left(26)
    }
}

/// The last 1 to 7 bytes of a key as one word, read with two overlapping loads (4 to 7 bytes)
/// or three byte loads (1 to 3 bytes), which cover every byte. Copying them into a zeroed word
/// instead costs a library call and a stalled load on every lookup of a short term.
#[inline]
fn tail_word(rest: &[u8]) -> u64 {
    let len = rest.len();
    let four = |at: usize| {
        rest.get(at..at + 4)
            .and_then(|bytes| <[u8; 4]>::try_from(bytes).ok())
            .map_or(0, |bytes| u64::from(u32::from_le_bytes(bytes)))
    };
    if len >= 4 {
        four(0) | four(len - 4) << 32
    } else {
        let byte = |at: usize| rest.get(at).map_or(0, |byte| u64::from(*byte));
        byte(0) | byte(len / 2) << 8 | byte(len.saturating_sub(1)) << 16
    }
}

pub(crate) type FastMap<K, V> = std::collections::HashMap<K, V, BuildHasherDefault<FxHasher>>;

#[cfg(test)]
mod tests {
    use std::hash::Hasher;

    use super::FxHasher;

    fn hash(bytes: &[u8]) -> u64 {
        let mut hasher = FxHasher::default();
        hasher.write(bytes);
        hasher.finish()
    }

    /// Every byte of a key counts: changing any one byte of keys up to 24 bytes long changes
    /// the hash.
    #[test]
    fn every_byte_is_hashed() {
        for len in 1..24 {
            let key: Vec<u8> = (0..len).map(|index| b'a' + index as u8).collect();
            for at in 0..len {
                let mut other = key.clone();
                other[at] ^= 0x20;
                assert_ne!(hash(&key), hash(&other), "{len} {at}");
            }
        }
    }
}
