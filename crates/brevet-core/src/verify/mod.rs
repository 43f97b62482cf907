//! (verify: to be written)
