//! No input makes baking or unbaking panic: a deterministic mutation loop over baked PNG and SVG
//! images (byte flips, overwritten length fields, truncations, insertions, chunk splices), and
//! the baked fixtures too when the vectors are present.

use super::super::{bake, unbake};
use super::*;

/// xorshift64*: deterministic, so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound.max(1) as u64) as usize
    }
}

/// One random change to `bytes`.
fn mutate(rng: &mut Rng, bytes: &mut Vec<u8>) {
    let at = rng.below(bytes.len());
    match rng.below(6) {
        0 => {
            if let Some(byte) = bytes.get_mut(at) {
                *byte ^= 1 << rng.below(8);
            }
        }
        1 => {
            if let Some(byte) = bytes.get_mut(at) {
                *byte = rng.next() as u8;
            }
        }
        2 => bytes.truncate(at),
        3 => {
            // A four-byte big-endian value, as a chunk length would be.
            let value = match rng.below(4) {
                0 => 0x7FFF_FFFF,
                1 => 0xFFFF_FFFF,
                2 => 0,
                _ => rng.next() as u32,
            };
            for (offset, byte) in value.to_be_bytes().into_iter().enumerate() {
                if let Some(slot) = bytes.get_mut(at + offset) {
                    *slot = byte;
                }
            }
        }
        4 => {
            let insert: &[u8] = match rng.below(5) {
                0 => b"<![CDATA[",
                1 => b"]]>",
                2 => b"<!DOCTYPE x [<!ENTITY a 'b'>]>",
                3 => b"\0\0\0\x0diTXt",
                _ => b"&a;<",
            };
            let at = at.min(bytes.len());
            bytes.splice(at..at, insert.iter().copied());
        }
        _ => {
            // Duplicate a slice (a chunk copied twice, an element repeated).
            let end = (at + 1 + rng.below(64)).min(bytes.len());
            let copy = bytes[at.min(end)..end].to_vec();
            bytes.splice(at.min(end)..at.min(end), copy);
        }
    }
}

/// Runs `rounds` mutated copies of `seed` through unbake and bake; the test fails on a panic.
fn no_panic_on_mutations_of(seed: &[u8], rounds: usize, rng: &mut Rng) -> (usize, usize) {
    let (mut accepted, mut refused) = (0, 0);
    for _ in 0..rounds {
        let mut bytes = seed.to_vec();
        for _ in 0..1 + rng.below(3) {
            mutate(rng, &mut bytes);
        }
        match unbake(&bytes) {
            Ok(_) => accepted += 1,
            Err(error) => {
                assert!(!error.to_string().is_empty());
                refused += 1;
            }
        }
        let _ = bake(&bytes, OTHER_CREDENTIAL);
    }
    (accepted, refused)
}

#[test]
fn mutated_pngs_never_panic() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let seeds = [
        bake(&plain_png(), CREDENTIAL).unwrap(),
        png_with(&[(b"tEXt", text_chunk("openbadges", b"https://example.org/a"))]),
    ];
    for seed in &seeds {
        let (accepted, refused) = no_panic_on_mutations_of(seed, 3000, &mut rng);
        // Most mutations break a CRC or a length; some (a truncation at the very end) do not.
        assert!(refused > accepted, "{accepted} accepted, {refused} refused");
    }
}

#[test]
fn mutated_svgs_never_panic() {
    let mut rng = Rng(0xD1B5_4A32_D192_ED03);
    let seeds = [
        bake(PLAIN_SVG.as_bytes(), CREDENTIAL).unwrap(),
        bake(PLAIN_SVG.as_bytes(), &jwt()).unwrap(),
    ];
    for seed in &seeds {
        let (accepted, refused) = no_panic_on_mutations_of(seed, 3000, &mut rng);
        assert!(
            accepted > 0 && refused > 0,
            "{accepted} accepted, {refused} refused"
        );
    }
}

#[test]
fn arbitrary_bytes_never_panic() {
    let mut rng = Rng(42);
    for length in 0..400 {
        let mut bytes: Vec<u8> = (0..length).map(|_| rng.next() as u8).collect();
        // Half of them with a valid PNG signature, a quarter starting like markup.
        match length % 4 {
            0 | 1 => {
                bytes.splice(0..0, super::super::png::SIGNATURE);
            }
            2 => {
                bytes.splice(0..0, *b"<svg>");
            }
            _ => {}
        }
        let _ = unbake(&bytes);
        let _ = bake(&bytes, OTHER_CREDENTIAL);
    }
}

#[test]
fn mutated_fixtures_never_panic() {
    let dir = std::env::var_os("BREVET_VECTORS")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/vectors")
        })
        .join("ob30/1edtech-fixtures");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        println!("SKIPPED: baked fixtures not found at {}", dir.display());
        return;
    };
    let mut rng = Rng(7);
    for entry in entries {
        let path = entry.unwrap().path();
        if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("png" | "svg")
        ) {
            let seed = std::fs::read(&path).unwrap();
            no_panic_on_mutations_of(&seed, 300, &mut rng);
        }
    }
}
