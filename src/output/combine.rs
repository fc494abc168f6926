//! Putting tables of several coding sources together: side by side (one block of columns
//! per source) or interleaved (one row per key and source).

use std::collections::HashMap;

use super::{Table, Value};

/// The rendered key cells of a row.
fn key_of(row: &[Value], keys: usize) -> Vec<String> {
    row.iter().take(keys).map(Value::render).collect()
}

/// Tables whose rows carry the same keys in their first `keys` columns, side by side: the
/// key columns once, then per table its other columns, headed `NAME header`. A key missing
/// from a table gets empty cells there.
pub fn side_by_side(tables: &[(&str, &Table)], keys: usize) -> Table {
    let mut headers: Vec<String> = tables
        .first()
        .map(|(_, t)| t.headers.iter().take(keys).cloned().collect())
        .unwrap_or_default();
    for (name, table) in tables {
        headers.extend(
            table
                .headers
                .iter()
                .skip(keys)
                .map(|h| format!("{name} {h}")),
        );
    }
    let order = key_order(tables, keys);
    let mut out = Table::new(headers);
    let lookups: Vec<HashMap<Vec<String>, &Vec<Value>>> = tables
        .iter()
        .map(|(_, t)| t.rows.iter().map(|r| (key_of(r, keys), r)).collect())
        .collect();
    for (key, first_row) in order {
        let mut row: Vec<Value> = first_row.iter().take(keys).cloned().collect();
        for ((_, table), lookup) in tables.iter().zip(&lookups) {
            match lookup.get(&key) {
                Some(found) => row.extend(found.iter().skip(keys).cloned()),
                None => row.extend((keys..table.headers.len()).map(|_| Value::Text(String::new()))),
            }
        }
        out.rows.push(row);
    }
    out
}

/// Tables of the same columns merged row by row: for each key (the first `keys` columns, in
/// the order the tables give them) the row of each table that has it, with a `column`
/// naming the table inserted after the keys.
pub fn interleaved(tables: &[(&str, &Table)], keys: usize, column: &str) -> Table {
    let mut headers: Vec<String> = tables
        .first()
        .map(|(_, t)| t.headers.clone())
        .unwrap_or_default();
    headers.insert(keys.min(headers.len()), column.to_owned());
    let mut out = Table::new(headers);
    let lookups: Vec<HashMap<Vec<String>, &Vec<Value>>> = tables
        .iter()
        .map(|(_, t)| t.rows.iter().map(|r| (key_of(r, keys), r)).collect())
        .collect();
    for (key, _) in key_order(tables, keys) {
        for ((name, _), lookup) in tables.iter().zip(&lookups) {
            if let Some(found) = lookup.get(&key) {
                let mut row = (*found).clone();
                row.insert(keys.min(row.len()), Value::Text((*name).to_owned()));
                out.rows.push(row);
            }
        }
    }
    out
}

/// Every key once, in the order of the first table that has it (the first table's rows
/// first), with the row it was first seen in.
fn key_order<'t>(tables: &[(&str, &'t Table)], keys: usize) -> Vec<(Vec<String>, &'t [Value])> {
    let mut seen = std::collections::HashSet::new();
    let mut order = Vec::new();
    for (_, table) in tables {
        for row in &table.rows {
            let key = key_of(row, keys);
            if seen.insert(key.clone()) {
                order.push((key, row.as_slice()));
            }
        }
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(rows: &[(&str, i64)]) -> Table {
        let mut t = Table::new(["code", "n"]);
        for (code, n) in rows {
            t.rows.push(vec![(*code).into(), Value::Int(*n)]);
        }
        t
    }

    #[test]
    fn side_by_side_and_interleaved_keep_every_key() {
        let a = table(&[("x", 1), ("y", 2)]);
        let b = table(&[("y", 3), ("z", 4)]);
        let wide = side_by_side(&[("auto", &a), ("anna", &b)], 1);
        assert_eq!(wide.headers, ["code", "auto n", "anna n"]);
        assert_eq!(
            wide.render(crate::output::TableFormat::Csv),
            "code,auto n,anna n\nx,1,\ny,2,3\nz,,4\n"
        );
        let long = interleaved(&[("auto", &a), ("anna", &b)], 1, "source");
        assert_eq!(
            long.render(crate::output::TableFormat::Csv),
            "code,source,n\nx,auto,1\ny,auto,2\ny,anna,3\nz,anna,4\n"
        );
    }
}
