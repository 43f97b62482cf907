//! One integration binary for every conformance suite; each module runs one suite from
//! `BREVET_VECTORS` and prints `N passed, N failed`.

mod eddsa;
mod jsonld;
mod ob30;
mod ob30_schema;
mod rdfc;
mod vcdm2;
