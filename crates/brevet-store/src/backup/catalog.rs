//! The database's catalogue as a backup sees it: its tables (parents before children, by their
//! foreign keys), their columns and portable types, row counts, the schema version and the
//! master keys that sealed the issuer keys.

use std::collections::{BTreeMap, BTreeSet};

use sqlx::AnyConnection;

use super::{BackupError, ColumnType, MIGRATIONS_TABLE, TableInfo};
use crate::Backend;

/// The number of rows of `table`.
pub async fn count_rows(conn: &mut AnyConnection, table: &str) -> Result<i64, BackupError> {
    check_identifier(table)?;
    let (rows,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(*) FROM {}",
        quoted(table)
    )))
    .fetch_one(conn)
    .await?;
    Ok(rows)
}

/// Every table of the database except the migrations table, parents before children.
pub async fn tables(
    conn: &mut AnyConnection,
    backend: Backend,
) -> Result<Vec<TableInfo>, BackupError> {
    let (names, foreign_keys): (Vec<String>, Vec<(String, String)>) = match backend {
        Backend::Sqlite => {
            let names: Vec<(String,)> = sqlx::query_as(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
            )
            .fetch_all(&mut *conn)
            .await?;
            let mut foreign_keys = Vec::new();
            for (name,) in &names {
                let parents: Vec<(String,)> =
                    sqlx::query_as("SELECT \"table\" FROM pragma_foreign_key_list($1)")
                        .bind(name)
                        .fetch_all(&mut *conn)
                        .await?;
                foreign_keys.extend(parents.into_iter().map(|(parent,)| (name.clone(), parent)));
            }
            (
                names.into_iter().map(|(name,)| name).collect(),
                foreign_keys,
            )
        }
        Backend::Postgres => {
            let names: Vec<(String,)> = sqlx::query_as(
                "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename",
            )
            .fetch_all(&mut *conn)
            .await?;
            let foreign_keys: Vec<(String, String)> = sqlx::query_as(
                "SELECT child.relname::text, parent.relname::text FROM pg_constraint c \
                 JOIN pg_class child ON child.oid = c.conrelid \
                 JOIN pg_class parent ON parent.oid = c.confrelid \
                 JOIN pg_namespace n ON n.oid = child.relnamespace \
                 WHERE c.contype = 'f' AND n.nspname = current_schema()",
            )
            .fetch_all(&mut *conn)
            .await?;
            (
                names.into_iter().map(|(name,)| name).collect(),
                foreign_keys,
            )
        }
    };
    let names: Vec<String> = names
        .into_iter()
        .filter(|name| name != MIGRATIONS_TABLE)
        .collect();
    let mut tables = Vec::with_capacity(names.len());
    for name in parents_first(&names, &foreign_keys)? {
        check_identifier(&name)?;
        let columns = columns(conn, backend, &name).await?;
        tables.push(TableInfo { name, columns });
    }
    Ok(tables)
}

async fn columns(
    conn: &mut AnyConnection,
    backend: Backend,
    table: &str,
) -> Result<Vec<(String, ColumnType)>, BackupError> {
    let raw: Vec<(String, String)> = match backend {
        Backend::Sqlite => {
            sqlx::query_as("SELECT name, type FROM pragma_table_info($1) ORDER BY cid")
                .bind(table)
                .fetch_all(conn)
                .await?
        }
        Backend::Postgres => {
            sqlx::query_as(
                "SELECT column_name::text, data_type::text FROM information_schema.columns \
                 WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
            )
            .bind(table)
            .fetch_all(conn)
            .await?
        }
    };
    raw.into_iter()
        .map(|(name, declared)| {
            check_identifier(&name)?;
            let kind = column_type(&declared).ok_or_else(|| BackupError::Table {
                table: table.to_owned(),
                reason: format!(
                    "column {name} has type {declared}, which is not portable (TEXT, BIGINT, BLOB)"
                ),
            })?;
            Ok((name, kind))
        })
        .collect()
}

/// The portable kind of a declared column type (SQLite or PostgreSQL spelling).
pub fn column_type(declared: &str) -> Option<ColumnType> {
    let declared = declared.to_ascii_lowercase();
    if declared.contains("int") {
        Some(ColumnType::Integer)
    } else if declared == "blob" || declared == "bytea" {
        Some(ColumnType::Blob)
    } else if declared == "text" || declared.contains("char") || declared == "clob" {
        Some(ColumnType::Text)
    } else {
        None
    }
}

/// Orders `names` so that every table comes after the tables its foreign keys point to (ties
/// by name); a cycle is an error.
fn parents_first(
    names: &[String],
    foreign_keys: &[(String, String)],
) -> Result<Vec<String>, BackupError> {
    let mut parents: BTreeMap<&str, BTreeSet<&str>> = names
        .iter()
        .map(|name| (name.as_str(), BTreeSet::new()))
        .collect();
    for (child, parent) in foreign_keys {
        if child != parent
            && parents.contains_key(parent.as_str())
            && let Some(set) = parents.get_mut(child.as_str())
        {
            set.insert(parent.as_str());
        }
    }
    let mut ordered: Vec<String> = Vec::with_capacity(names.len());
    while ordered.len() < names.len() {
        let ready = parents
            .iter()
            .find(|(name, waiting)| {
                !ordered.iter().any(|done| done == *name)
                    && waiting
                        .iter()
                        .all(|parent| ordered.iter().any(|done| done == parent))
            })
            .map(|(name, _)| (*name).to_owned());
        match ready {
            Some(name) => ordered.push(name),
            None => {
                return Err(BackupError::Format(
                    "the tables' foreign keys form a cycle".into(),
                ));
            }
        }
    }
    Ok(ordered)
}

pub(super) async fn schema_version(conn: &mut AnyConnection) -> Result<i64, BackupError> {
    let (version,): (Option<i64>,) =
        sqlx::query_as("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
            .fetch_one(conn)
            .await?;
    Ok(version.unwrap_or(0))
}

pub(super) async fn master_key_ids(
    conn: &mut AnyConnection,
    tables: &[TableInfo],
) -> Result<Vec<String>, BackupError> {
    if !tables.iter().any(|table| table.name == "signing_keys") {
        return Ok(Vec::new());
    }
    let ids: Vec<(String,)> =
        sqlx::query_as("SELECT DISTINCT master_key_id FROM signing_keys ORDER BY master_key_id")
            .fetch_all(conn)
            .await?;
    Ok(ids.into_iter().map(|(id,)| id).collect())
}

pub(super) fn check_identifier(name: &str) -> Result<(), BackupError> {
    if !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    {
        Ok(())
    } else {
        Err(BackupError::Format(format!(
            "unexpected table or column name {name:?}"
        )))
    }
}

pub(super) fn quoted(name: &str) -> String {
    format!("\"{name}\"")
}

pub(super) fn column_list(table: &TableInfo) -> String {
    table
        .columns
        .iter()
        .map(|(name, _)| quoted(name))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parents_come_before_children() {
        let names: Vec<String> = ["credentials", "orgs", "status_entries", "status_lists"]
            .map(String::from)
            .to_vec();
        let keys = vec![
            ("credentials".to_owned(), "orgs".to_owned()),
            ("status_lists".to_owned(), "orgs".to_owned()),
            ("status_entries".to_owned(), "status_lists".to_owned()),
        ];
        assert_eq!(
            parents_first(&names, &keys).unwrap(),
            ["orgs", "credentials", "status_lists", "status_entries"]
        );
        let cycle = vec![
            ("orgs".to_owned(), "credentials".to_owned()),
            ("credentials".to_owned(), "orgs".to_owned()),
        ];
        assert!(parents_first(&names, &cycle).is_err());
    }

    #[test]
    fn declared_types_map_to_portable_kinds() {
        assert_eq!(column_type("BIGINT"), Some(ColumnType::Integer));
        assert_eq!(column_type("bigint"), Some(ColumnType::Integer));
        assert_eq!(column_type("TEXT"), Some(ColumnType::Text));
        assert_eq!(column_type("character varying"), Some(ColumnType::Text));
        assert_eq!(column_type("BLOB"), Some(ColumnType::Blob));
        assert_eq!(column_type("bytea"), Some(ColumnType::Blob));
        assert_eq!(column_type("REAL"), None);
        assert_eq!(column_type("boolean"), None);
    }
}
