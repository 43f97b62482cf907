//! Unit tests of VC-JWT verification.
