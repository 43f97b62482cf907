//! (eddsa suite: to be written)
