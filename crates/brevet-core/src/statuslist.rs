//! (statuslist: to be written)
