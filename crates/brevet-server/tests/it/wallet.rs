//! The earner's side, through HTTP on both backends: the award mail and its claim link (single
//! use, expiry), passwordless sign-in that reveals no account (PRIV-01), adding an address, the
//! wallet's status and visibility (a hidden credential is a 404 like an unknown id: PRIV-04),
//! collections, sharing each public credential, the download, deleting the wallet, inert text
//! (WEB-01), CSRF on every form, and importing credentials from elsewhere (Brevet JSON, baked
//! PNG/SVG, Open Badges 2.0).

mod account;
mod claim;
mod helpers;
mod import;
mod import_ob2;
mod offer;
mod share;
mod visibility;
