//! One integration binary for every conformance suite.
