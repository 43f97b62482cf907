//! Backup and restore: a consistent copy of every table as JSON lines, portable across backends
//! (back up SQLite, restore into PostgreSQL, and back).
//!
//! The export runs in one read transaction, so it is a snapshot even while the server writes:
//! on SQLite (WAL mode) a read transaction sees the database as of its first read; on
//! PostgreSQL it is `REPEATABLE READ READ ONLY`. The tables and their columns are read from the
//! database's catalogue, so tables added by later migrations are included without a list to keep
//! up to date; tables are written parents first (by their foreign keys), so a restore inserts
//! them in file order.
//!
//! The file: a header line `{"brevet_backup": 1, "schema_version", "backend", "created_at",
//! "master_key_ids"}`; then per table a line `{"table", "columns": [[name, type]]}` followed by
//! one JSON array per row (text as strings, integers as numbers, BLOBs as base64, NULL as null);
//! and a closing line `{"end": {"rows", "tables": {name: count}}}` that detects a truncated
//! file. It never holds the master key, only the ids of the master keys that sealed the issuer
//! keys: keep the master key itself beside the backup.
//!
//! A restore goes into an empty database of the same schema version, in one transaction.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, Write};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use futures_util::TryStreamExt;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::{AnyConnection, Connection, Row};

use crate::{Backend, Store, StoreError};

/// The version of the file format.
pub const FORMAT_VERSION: u32 = 1;

/// The table of applied migrations (never backed up: the target migrates itself).
const MIGRATIONS_TABLE: &str = "_sqlx_migrations";

/// Rows per `INSERT` statement during a restore (fewer for wide tables).
const INSERT_BATCH_VALUES: usize = 600;

/// Why a backup or restore failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BackupError {
    #[error("reading or writing the backup file: {0}")]
    Io(#[from] std::io::Error),
    #[error("not a Brevet backup, or a damaged one: {0}")]
    Format(String),
    #[error("the backup is truncated: {0}")]
    Truncated(String),
    #[error("restore needs an empty database, but table {table} has {rows} rows")]
    NotEmpty { table: String, rows: i64 },
    #[error(
        "the backup has schema version {backup}, this database has {current}: restore with the Brevet version that made the backup"
    )]
    SchemaMismatch { backup: i64, current: i64 },
    #[error("table {table}: {reason}")]
    Table { table: String, reason: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for BackupError {
    fn from(error: sqlx::Error) -> Self {
        BackupError::Store(StoreError::Backend(error))
    }
}

/// The kind of a column, as portable across backends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ColumnType {
    Text,
    Integer,
    Blob,
}

/// The first line of a backup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BackupHeader {
    /// The file format version ([`FORMAT_VERSION`]).
    pub brevet_backup: u32,
    /// The newest migration applied to the database backed up.
    pub schema_version: i64,
    /// The backend backed up (`sqlite` or `postgres`).
    pub backend: String,
    /// When the backup was made (unix seconds).
    pub created_at: i64,
    /// The ids of the master keys that sealed the issuer keys in this backup (the key itself is
    /// never in a backup).
    pub master_key_ids: Vec<String>,
}

/// What a backup holds (or a restore wrote).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupSummary {
    pub header: BackupHeader,
    /// Rows per table, in file order.
    pub tables: Vec<(String, u64)>,
}

impl BackupSummary {
    /// Rows in every table together.
    pub fn rows(&self) -> u64 {
        self.tables.iter().map(|(_, rows)| rows).sum()
    }
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct TableLine {
    table: String,
    columns: Vec<(String, ColumnType)>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct EndLine {
    end: EndSummary,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct EndSummary {
    rows: u64,
    tables: BTreeMap<String, u64>,
}

/// A table as the catalogue describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableInfo {
    pub name: String,
    pub columns: Vec<(String, ColumnType)>,
}

/// Writes a consistent copy of the database to `out`; `created_at` goes in the header.
pub async fn export<W: Write + Send>(
    store: &Store,
    created_at: i64,
    out: &mut W,
) -> Result<BackupSummary, BackupError> {
    let mut conn = store.read().await?;
    let begin = match store.backend() {
        Backend::Sqlite => "BEGIN",
        Backend::Postgres => "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
    };
    let mut tx = conn.begin_with(begin).await?;
    let tables = tables(&mut tx, store.backend()).await?;
    let header = BackupHeader {
        brevet_backup: FORMAT_VERSION,
        schema_version: schema_version(&mut tx).await?,
        backend: store.backend().as_str().to_owned(),
        created_at,
        master_key_ids: master_key_ids(&mut tx, &tables).await?,
    };
    write_json_line(out, &header)?;
    let mut counts = Vec::with_capacity(tables.len());
    for table in &tables {
        write_json_line(
            out,
            &TableLine {
                table: table.name.clone(),
                columns: table.columns.clone(),
            },
        )?;
        let count = export_rows(&mut tx, table, out).await?;
        counts.push((table.name.clone(), count));
    }
    tx.rollback().await?;
    let end = EndLine {
        end: EndSummary {
            rows: counts.iter().map(|(_, rows)| rows).sum(),
            tables: counts.iter().cloned().collect(),
        },
    };
    write_json_line(out, &end)?;
    out.flush()?;
    Ok(BackupSummary {
        header,
        tables: counts,
    })
}

async fn export_rows<W: Write + Send>(
    conn: &mut AnyConnection,
    table: &TableInfo,
    out: &mut W,
) -> Result<u64, BackupError> {
    let columns = column_list(table);
    let order = if table.columns.len() > 1 { "1, 2" } else { "1" };
    let sql = format!(
        "SELECT {columns} FROM {} ORDER BY {order}",
        quoted(&table.name)
    );
    let mut rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch(conn);
    let mut count = 0;
    let mut line = Vec::new();
    while let Some(row) = rows.try_next().await? {
        let mut values = Vec::with_capacity(table.columns.len());
        for (index, (_, kind)) in table.columns.iter().enumerate() {
            let value = match kind {
                ColumnType::Text => row
                    .try_get::<Option<String>, _>(index)?
                    .map_or(Value::Null, Value::String),
                ColumnType::Integer => row
                    .try_get::<Option<i64>, _>(index)?
                    .map_or(Value::Null, Value::from),
                ColumnType::Blob => row
                    .try_get::<Option<Vec<u8>>, _>(index)?
                    .map_or(Value::Null, |bytes| Value::String(STANDARD.encode(bytes))),
            };
            values.push(value);
        }
        line.clear();
        serde_json::to_writer(&mut line, &values)
            .map_err(|error| BackupError::Format(error.to_string()))?;
        line.push(b'\n');
        out.write_all(&line)?;
        count += 1;
    }
    Ok(count)
}

/// Reads only the header of a backup.
pub fn read_header<R: BufRead>(input: &mut R) -> Result<BackupHeader, BackupError> {
    let line = next_line(input)?.ok_or_else(|| BackupError::Format("the file is empty".into()))?;
    let header: BackupHeader = serde_json::from_str(&line)
        .map_err(|error| BackupError::Format(format!("header: {error}")))?;
    if header.brevet_backup != FORMAT_VERSION {
        return Err(BackupError::Format(format!(
            "format version {} (this Brevet reads version {FORMAT_VERSION})",
            header.brevet_backup
        )));
    }
    Ok(header)
}

/// Restores a backup into `store`, which must be empty and at the backup's schema version. Runs
/// in one transaction: on any error nothing is written.
pub async fn restore<R: BufRead>(
    store: &Store,
    input: &mut R,
) -> Result<BackupSummary, BackupError> {
    let header = read_header(input)?;
    let mut tx = store.begin().await?;
    let current = schema_version(&mut tx).await?;
    if current != header.schema_version {
        return Err(BackupError::SchemaMismatch {
            backup: header.schema_version,
            current,
        });
    }
    let targets: BTreeMap<String, TableInfo> = tables(&mut tx, store.backend())
        .await?
        .into_iter()
        .map(|table| (table.name.clone(), table))
        .collect();
    for table in targets.keys() {
        let rows = count_rows(&mut tx, table).await?;
        if rows > 0 {
            return Err(BackupError::NotEmpty {
                table: table.clone(),
                rows,
            });
        }
    }
    let mut counts: Vec<(String, u64)> = Vec::new();
    let mut current_table: Option<TableInfo> = None;
    let mut batch: Vec<Vec<Value>> = Vec::new();
    let mut seen = BTreeSet::new();
    let end = loop {
        let Some(line) = next_line(input)? else {
            return Err(BackupError::Truncated(
                "it ends before its closing line".into(),
            ));
        };
        let value: Value = serde_json::from_str(&line)
            .map_err(|error| BackupError::Format(format!("a line is not JSON: {error}")))?;
        match value {
            Value::Array(row) => {
                let table = current_table
                    .as_ref()
                    .ok_or_else(|| BackupError::Format("a row before any table line".into()))?;
                if row.len() != table.columns.len() {
                    return Err(BackupError::Table {
                        table: table.name.clone(),
                        reason: format!(
                            "a row has {} values for {} columns",
                            row.len(),
                            table.columns.len()
                        ),
                    });
                }
                batch.push(row);
                if let Some(last) = counts.last_mut() {
                    last.1 += 1;
                }
                if batch.len() * table.columns.len() >= INSERT_BATCH_VALUES {
                    insert_rows(&mut tx, table, &batch).await?;
                    batch.clear();
                }
            }
            Value::Object(ref object) if object.contains_key("table") => {
                if let Some(table) = &current_table {
                    insert_rows(&mut tx, table, &batch).await?;
                    batch.clear();
                }
                let line: TableLine = serde_json::from_value(value)
                    .map_err(|error| BackupError::Format(format!("table line: {error}")))?;
                let target = targets.get(&line.table).ok_or_else(|| BackupError::Table {
                    table: line.table.clone(),
                    reason: "this database has no such table".into(),
                })?;
                if target.columns != line.columns {
                    return Err(BackupError::Table {
                        table: line.table.clone(),
                        reason: format!(
                            "the backup's columns {:?} differ from this database's {:?}",
                            line.columns, target.columns
                        ),
                    });
                }
                if !seen.insert(line.table.clone()) {
                    return Err(BackupError::Format(format!(
                        "table {} appears twice",
                        line.table
                    )));
                }
                counts.push((line.table.clone(), 0));
                current_table = Some(target.clone());
            }
            Value::Object(ref object) if object.contains_key("end") => {
                if let Some(table) = &current_table {
                    insert_rows(&mut tx, table, &batch).await?;
                    batch.clear();
                }
                let end: EndLine = serde_json::from_value(value)
                    .map_err(|error| BackupError::Format(format!("closing line: {error}")))?;
                break end.end;
            }
            _ => return Err(BackupError::Format("an unexpected line".into())),
        }
    };
    let written: BTreeMap<String, u64> = counts.iter().cloned().collect();
    if written != end.tables || end.rows != written.values().sum::<u64>() {
        return Err(BackupError::Truncated(format!(
            "the closing line counts {:?}, the file holds {written:?}",
            end.tables
        )));
    }
    if next_line(input)?.is_some() {
        return Err(BackupError::Format("lines after the closing line".into()));
    }
    tx.commit().await?;
    Ok(BackupSummary {
        header,
        tables: counts,
    })
}

async fn insert_rows(
    conn: &mut AnyConnection,
    table: &TableInfo,
    rows: &[Vec<Value>],
) -> Result<(), BackupError> {
    if rows.is_empty() {
        return Ok(());
    }
    let width = table.columns.len();
    let mut sql = format!(
        "INSERT INTO {} ({}) VALUES ",
        quoted(&table.name),
        column_list(table)
    );
    for (row_index, _) in rows.iter().enumerate() {
        if row_index > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for column in 0..width {
            if column > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!("${}", row_index * width + column + 1));
        }
        sql.push(')');
    }
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for row in rows {
        for ((name, kind), value) in table.columns.iter().zip(row) {
            let bad = |expected: &str| BackupError::Table {
                table: table.name.clone(),
                reason: format!("column {name}: expected {expected}, found {value}"),
            };
            query = match (kind, value) {
                (ColumnType::Text, Value::Null) => query.bind(None::<String>),
                (ColumnType::Text, Value::String(text)) => query.bind(text.clone()),
                (ColumnType::Integer, Value::Null) => query.bind(None::<i64>),
                (ColumnType::Integer, Value::Number(number)) => {
                    query.bind(number.as_i64().ok_or_else(|| bad("an integer"))?)
                }
                (ColumnType::Blob, Value::Null) => query.bind(None::<Vec<u8>>),
                (ColumnType::Blob, Value::String(text)) => {
                    query.bind(STANDARD.decode(text).map_err(|_| bad("base64 bytes"))?)
                }
                (ColumnType::Text, _) => return Err(bad("text")),
                (ColumnType::Integer, _) => return Err(bad("an integer")),
                (ColumnType::Blob, _) => return Err(bad("base64 bytes")),
            };
        }
    }
    query.execute(conn).await?;
    Ok(())
}

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

async fn schema_version(conn: &mut AnyConnection) -> Result<i64, BackupError> {
    let (version,): (Option<i64>,) =
        sqlx::query_as("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
            .fetch_one(conn)
            .await?;
    Ok(version.unwrap_or(0))
}

async fn master_key_ids(
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

fn check_identifier(name: &str) -> Result<(), BackupError> {
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

fn quoted(name: &str) -> String {
    format!("\"{name}\"")
}

fn column_list(table: &TableInfo) -> String {
    table
        .columns
        .iter()
        .map(|(name, _)| quoted(name))
        .collect::<Vec<_>>()
        .join(", ")
}

fn write_json_line<W: Write, T: Serialize>(out: &mut W, value: &T) -> Result<(), BackupError> {
    serde_json::to_writer(&mut *out, value)
        .map_err(|error| BackupError::Format(error.to_string()))?;
    out.write_all(b"\n")?;
    Ok(())
}

fn next_line<R: BufRead>(input: &mut R) -> Result<Option<String>, BackupError> {
    let mut line = String::new();
    loop {
        line.clear();
        if input.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        if !line.trim().is_empty() {
            return Ok(Some(line));
        }
    }
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

    #[test]
    fn a_header_of_another_format_is_refused() {
        let mut input = "{\"brevet_backup\":2,\"schema_version\":1,\"backend\":\"sqlite\",\"created_at\":0,\"master_key_ids\":[]}\n".as_bytes();
        assert!(matches!(
            read_header(&mut input),
            Err(BackupError::Format(_))
        ));
        let mut empty = "".as_bytes();
        assert!(matches!(
            read_header(&mut empty),
            Err(BackupError::Format(_))
        ));
    }
}
