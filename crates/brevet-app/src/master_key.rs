//! The master key that seals issuer private keys at rest (XChaCha20-Poly1305, the organisation
//! and key id as associated data). Loaded from `BREVET_MASTER_KEY`, a file, or generated into
//! the SQLite data directory on first run. Its id (a fingerprint) is stored beside each sealed
//! secret so a rotation can tell old from new.

use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use sha2::{Digest, Sha256};

use crate::ids::hex;

/// The file name of a generated master key inside the data directory.
pub const MASTER_KEY_FILE: &str = "master.key";

/// Why a master key could not be had or used.
#[derive(Debug, thiserror::Error)]
pub enum MasterKeyError {
    #[error("the master key must be 32 bytes, base64-encoded (got {0} bytes)")]
    BadLength(usize),
    #[error("the master key is not valid base64: {0}")]
    BadEncoding(String),
    #[error("cannot read or write the master key file {path}: {reason}")]
    File { path: String, reason: String },
    #[error("a sealed key could not be opened: wrong master key, or the data was altered")]
    Open,
    #[error("sealing failed")]
    Seal,
}

/// A 256-bit master key.
#[derive(Clone)]
pub struct MasterKey {
    key: [u8; 32],
    id: String,
}

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "MasterKey({})", self.id)
    }
}

impl MasterKey {
    /// A new random master key.
    pub fn generate() -> MasterKey {
        let key: [u8; 32] = XChaCha20Poly1305::generate_key(&mut OsRng).into();
        MasterKey::from_bytes(key)
    }

    pub fn from_bytes(key: [u8; 32]) -> MasterKey {
        let id = hex(&Sha256::digest([b"brevet-master-key:".as_slice(), &key].concat())[..8]);
        MasterKey { key, id }
    }

    /// Parses the base64 text form (as in `BREVET_MASTER_KEY` or a key file).
    pub fn parse(text: &str) -> Result<MasterKey, MasterKeyError> {
        let bytes = STANDARD
            .decode(text.trim())
            .map_err(|error| MasterKeyError::BadEncoding(error.to_string()))?;
        let key: [u8; 32] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| MasterKeyError::BadLength(bytes.len()))?;
        Ok(MasterKey::from_bytes(key))
    }

    /// The base64 text form.
    pub fn to_text(&self) -> String {
        STANDARD.encode(self.key)
    }

    /// A short fingerprint naming this key (not secret).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Reads a key file.
    pub fn read_file(path: &Path) -> Result<MasterKey, MasterKeyError> {
        let text = std::fs::read_to_string(path).map_err(|error| MasterKeyError::File {
            path: path.display().to_string(),
            reason: error.to_string(),
        })?;
        MasterKey::parse(&text)
    }

    /// Reads `path`, or creates it with a new key (mode 0600) when it does not exist.
    pub fn read_or_create(path: &Path) -> Result<(MasterKey, bool), MasterKeyError> {
        if path.exists() {
            return Ok((MasterKey::read_file(path)?, false));
        }
        let key = MasterKey::generate();
        write_private(path, &format!("{}\n", key.to_text())).map_err(|error| {
            MasterKeyError::File {
                path: path.display().to_string(),
                reason: error.to_string(),
            }
        })?;
        Ok((key, true))
    }

    /// Seals `secret` bound to `context` (which must be given again to open it).
    pub fn seal(&self, secret: &[u8], context: &str) -> Result<Vec<u8>, MasterKeyError> {
        let cipher = XChaCha20Poly1305::new(&self.key.into());
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let sealed = cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: secret,
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| MasterKeyError::Seal)?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        Ok(out)
    }

    /// Opens what [`MasterKey::seal`] sealed with the same `context`.
    pub fn open(&self, sealed: &[u8], context: &str) -> Result<Vec<u8>, MasterKeyError> {
        if sealed.len() < 24 {
            return Err(MasterKeyError::Open);
        }
        let (nonce, body) = sealed.split_at(24);
        let cipher = XChaCha20Poly1305::new(&self.key.into());
        cipher
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: body,
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| MasterKeyError::Open)
    }
}

/// Writes `text` to a new file readable only by its owner.
pub fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_secrets_open_only_with_the_same_key_and_context() {
        let key = MasterKey::generate();
        let sealed = key.seal(b"secret", "org-1/key-1").unwrap();
        assert_eq!(key.open(&sealed, "org-1/key-1").unwrap(), b"secret");
        assert!(key.open(&sealed, "org-2/key-1").is_err());
        assert!(MasterKey::generate().open(&sealed, "org-1/key-1").is_err());
        let mut altered = sealed.clone();
        altered[30] ^= 1;
        assert!(key.open(&altered, "org-1/key-1").is_err());
        assert!(key.open(&sealed[..10], "org-1/key-1").is_err());
    }

    #[test]
    fn text_form_round_trips_and_bad_keys_are_refused() {
        let key = MasterKey::generate();
        assert_eq!(MasterKey::parse(&key.to_text()).unwrap().id(), key.id());
        assert!(matches!(
            MasterKey::parse("c2hvcnQ="),
            Err(MasterKeyError::BadLength(5))
        ));
        assert!(MasterKey::parse("not base64!").is_err());
    }
}
