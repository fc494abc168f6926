//! Throughput of reading and coding: `cargo bench` writes a corpus of copies of the bundled
//! samples (2,000 transcripts by default, `THEMA_BENCH_DOCS` to change) to a temporary folder,
//! then times ingest and coding with the embedded codebook and prints MB/s. Coding must stay
//! linear in the input: the run also codes half the corpus and reports the ratio.

use std::path::{Path, PathBuf};
use std::time::Instant;

use thema::codebook::Codebook;
use thema::engine::{Engine, EngineOptions};
use thema::ingest::{IngestOptions, ingest};

fn write_corpus(dir: &Path, copies: usize) -> u64 {
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let mut sources: Vec<PathBuf> = std::fs::read_dir(&samples)
        .expect("samples folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "txt" || e == "md"))
        .collect();
    sources.sort();
    let texts: Vec<String> = sources
        .iter()
        .map(|p| String::from_utf8_lossy(&std::fs::read(p).expect("sample reads")).into_owned())
        .filter(|t| t.starts_with("---\nid:"))
        .collect();
    let mut bytes = 0;
    for i in 0..copies {
        let text = &texts[i % texts.len()];
        let renamed = text.replacen("---\nid: ", &format!("---\nid: B{i:05}-"), 1);
        bytes += renamed.len() as u64;
        std::fs::write(dir.join(format!("doc-{i:05}.txt")), renamed).expect("bench file written");
    }
    bytes
}

fn time_run(dir: &Path, codebook: &Codebook) -> (f64, f64, usize) {
    let started = Instant::now();
    let corpus =
        ingest(&[dir.to_owned()], &IngestOptions::default(), &|_| {}).expect("corpus reads");
    let read = started.elapsed().as_secs_f64();
    let engine = Engine::new(codebook, EngineOptions::default());
    let started = Instant::now();
    let codings = engine.code_all(&corpus.documents, &|_| {});
    let coded = started.elapsed().as_secs_f64();
    (read, coded, codings.iter().map(Vec::len).sum())
}

fn main() {
    let docs: usize = std::env::var("THEMA_BENCH_DOCS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let codebook = Codebook::embedded().expect("embedded codebook");
    let full = tempfile::tempdir().expect("temp dir");
    let half = tempfile::tempdir().expect("temp dir");
    let bytes = write_corpus(full.path(), docs);
    let half_bytes = write_corpus(half.path(), docs / 2);
    let (read, coded, codings) = time_run(full.path(), &codebook);
    let (_, half_coded, _) = time_run(half.path(), &codebook);
    let mb = bytes as f64 / 1e6;
    println!("corpus: {docs} transcripts, {mb:.1} MB, {codings} codings");
    println!("ingest: {read:.2} s ({:.1} MB/s)", mb / read);
    println!("coding: {coded:.2} s ({:.1} MB/s)", mb / coded);
    println!(
        "linearity: coding {:.1} MB took {:.2} s, {:.1} MB took {half_coded:.2} s (ratio {:.2}, 2.0 is linear)",
        mb,
        coded,
        half_bytes as f64 / 1e6,
        coded / half_coded
    );
}
