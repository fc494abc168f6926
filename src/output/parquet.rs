//! Parquet output through polars: a [`Table`] becomes a typed DataFrame.

use polars::prelude::*;

use super::{Table, Value};
use crate::{Error, Result};

/// The table as a polars DataFrame with typed columns: integers where every value is an
/// integer, floats where every value is a number, strings otherwise.
pub fn to_dataframe(table: &Table) -> Result<DataFrame> {
    let mut columns = Vec::with_capacity(table.headers.len());
    for (i, name) in table.headers.iter().enumerate() {
        let cells = table.rows.iter().map(|r| &r[i]);
        let column = if table.rows.iter().all(|r| matches!(r[i], Value::Int(_))) {
            let values: Vec<i64> = cells
                .map(|v| if let Value::Int(n) = v { *n } else { 0 })
                .collect();
            Column::new(name.as_str().into(), values)
        } else if table.rows.iter().all(|r| !matches!(r[i], Value::Text(_))) {
            let values: Vec<f64> = cells
                .map(|v| match v {
                    Value::Int(n) => *n as f64,
                    Value::Float(f, _) => *f,
                    Value::Text(_) => f64::NAN,
                })
                .collect();
            Column::new(name.as_str().into(), values)
        } else {
            let values: Vec<String> = cells.map(Value::render).collect();
            Column::new(name.as_str().into(), values)
        };
        columns.push(column);
    }
    DataFrame::new(table.rows.len(), columns).map_err(parquet_error)
}

/// The table as Parquet bytes.
pub fn to_parquet(table: &Table) -> Result<Vec<u8>> {
    let mut df = to_dataframe(table)?;
    let mut bytes = Vec::new();
    ParquetWriter::new(&mut bytes)
        .finish(&mut df)
        .map_err(parquet_error)?;
    Ok(bytes)
}

fn parquet_error(e: PolarsError) -> Error {
    Error::Usage(format!("Parquet output failed: {e}"))
}
