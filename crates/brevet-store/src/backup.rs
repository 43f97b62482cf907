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

use std::collections::BTreeMap;
use std::io::{BufRead, Write};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use futures_util::TryStreamExt;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::{AnyConnection, Connection, Row};

use crate::{Backend, Store, StoreError};

mod catalog;
mod restore;

use catalog::{column_list, master_key_ids, quoted, schema_version};
pub use catalog::{column_type, count_rows, tables};
pub use restore::restore;

/// The version of the file format.
pub const FORMAT_VERSION: u32 = 1;

/// The table of applied migrations (never backed up: the target migrates itself).
pub(crate) const MIGRATIONS_TABLE: &str = "_sqlx_migrations";

/// Rows per `INSERT` statement during a restore (fewer for wide tables).
pub(crate) const INSERT_BATCH_VALUES: usize = 600;

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
pub(crate) struct TableLine {
    table: String,
    columns: Vec<(String, ColumnType)>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct EndLine {
    end: EndSummary,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct EndSummary {
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

fn write_json_line<W: Write, T: Serialize>(out: &mut W, value: &T) -> Result<(), BackupError> {
    serde_json::to_writer(&mut *out, value)
        .map_err(|error| BackupError::Format(error.to_string()))?;
    out.write_all(b"\n")?;
    Ok(())
}

pub(crate) fn next_line<R: BufRead>(input: &mut R) -> Result<Option<String>, BackupError> {
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
