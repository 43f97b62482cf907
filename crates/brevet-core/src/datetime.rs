//! (datetime: to be written)
