//! (issue: to be written)
