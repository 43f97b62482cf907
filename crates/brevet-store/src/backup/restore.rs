//! Restoring a backup: into an empty database at the backup's schema version, in one
//! transaction, checking every table's columns against this database's and the closing line's
//! counts against what the file held.

use std::collections::{BTreeMap, BTreeSet};
use std::io::BufRead;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;
use sqlx::AnyConnection;

use super::catalog::{column_list, count_rows, quoted, schema_version, tables};
use super::{
    BackupError, BackupSummary, ColumnType, EndLine, INSERT_BATCH_VALUES, TableInfo, TableLine,
    next_line, read_header,
};
use crate::Store;

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
