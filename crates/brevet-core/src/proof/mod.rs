//! (proof: to be written)
