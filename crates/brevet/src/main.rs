//! The `brevet` command line: one binary for every role.

fn main() {}
