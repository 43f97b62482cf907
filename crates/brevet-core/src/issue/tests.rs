//! Tests of issuing.
