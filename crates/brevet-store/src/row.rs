//! `row!`: declares a record type and reads it from a database row by column name.
//!
//! It stands in for `#[derive(sqlx::FromRow)]`, whose proc macro (sqlx-macros) would compile
//! sqlx's drivers and the bundled SQLite a second time for the host, about a minute of a clean
//! release build, for what is a column-per-field read. Each field is read with
//! `Row::try_get(field name)`, so a column missing or of the wrong type is an error, as with
//! the derive.

/// Declares `struct $name { $field: $ty, ... }` with its attributes and implements
/// `sqlx::FromRow` for `AnyRow`, reading column `$field` into each field.
macro_rules! row {
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident {
            $( $(#[$field_meta:meta])* $field_vis:vis $field:ident : $ty:ty ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        $vis struct $name {
            $( $(#[$field_meta])* $field_vis $field: $ty ),*
        }

        impl<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> for $name {
            fn from_row(row: &'r sqlx::any::AnyRow) -> Result<Self, sqlx::Error> {
                use sqlx::Row as _;
                Ok(Self {
                    $( $field: row.try_get(stringify!($field))? ),*
                })
            }
        }
    };
}
