//! (vcdm2 suite: to be written)
