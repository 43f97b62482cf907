//! Brevet's pure core: everything needed to build, sign and verify Open Badges 3.0 and W3C
//! Verifiable Credentials, with no IO and no clock.
//!
//! Documents the core needs from the outside world (DID documents, status list credentials) and
//! the current time are supplied by the caller through [`verify::VerifyEnv`]. JSON-LD contexts
//! are embedded in the binary ([`contexts`]) and never fetched.

pub mod baking;
pub mod contexts;
pub mod datetime;
pub mod did;
pub mod issue;
pub mod jose;
pub mod json;
pub mod key_proof;
pub mod linked_data;
pub mod model;
pub mod multikey;
pub mod ob2;
pub mod proof;
pub mod share;
pub mod statuslist;
pub mod text;
pub mod verify;
