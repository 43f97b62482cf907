//! (rdfc suite: to be written)
