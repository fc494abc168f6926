//! `thema code --llm`: against a fake OpenAI-compatible server started on 127.0.0.1 inside
//! the test, the requests carry the codebook and the turn, only verified suggestions become
//! codings, everything else is dropped and logged, a rerun is answered from the cache with no
//! request, and a server off this machine is refused before any connection.

mod common;
use common::{csv_rows, stdout_of, thema};

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};

/// What the fake server answers to a chat-completions request: the message content, or a
/// delay before answering.
type Handler = dyn Fn(&Value) -> (Duration, String) + Send + Sync;

/// A fake OpenAI-compatible server on a free loopback port: it lists one model and answers
/// chat completions with the handler's content; it keeps every request body.
struct FakeServer {
    url: String,
    requests: Arc<Mutex<Vec<Value>>>,
}

impl FakeServer {
    fn start(handler: Box<Handler>) -> FakeServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/v1", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&requests);
        let handler: Arc<Handler> = Arc::from(handler);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let (seen, handler) = (Arc::clone(&seen), Arc::clone(&handler));
                std::thread::spawn(move || serve(stream, &seen, &*handler));
            }
        });
        FakeServer { url, requests }
    }

    fn requests(&self) -> Vec<Value> {
        self.requests.lock().unwrap().clone()
    }
}

fn serve(stream: std::net::TcpStream, seen: &Mutex<Vec<Value>>, handler: &Handler) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    let mut length = 0;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0; length];
    if reader.read_exact(&mut body).is_err() {
        return;
    }
    let reply = if request_line.starts_with("GET") && request_line.contains("/v1/models ") {
        json!({"object": "list", "data": [{"id": "fake-model", "object": "model"}]}).to_string()
    } else if request_line.starts_with("POST /v1/chat/completions ") {
        let request: Value = serde_json::from_slice(&body).unwrap();
        seen.lock().unwrap().push(request.clone());
        if request["model"] == "no-such-model" {
            // As Ollama answers a model it has not pulled.
            let error = r#"{"error":{"message":"model \"no-such-model\" not found, try pulling it first"}}"#;
            return respond(stream, "404 Not Found", error);
        }
        let (delay, content) = handler(&request);
        std::thread::sleep(delay);
        json!({
            "id": "chatcmpl-1",
            "object": "chat.completion",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        })
        .to_string()
    } else {
        return respond(
            stream,
            "404 Not Found",
            r#"{"error":{"message":"no such route"}}"#,
        );
    };
    respond(stream, "200 OK", &reply);
}

fn respond(mut stream: std::net::TcpStream, status: &str, body: &str) {
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
}

/// The turn a request asks about: the user message, verbatim.
fn turn_of(request: &Value) -> String {
    request["messages"][1]["content"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Answers every turn with its first three words as evidence of initiative, plus a code
/// the codebook lacks and evidence the turn lacks.
fn three_word_answers(request: &Value) -> (Duration, String) {
    let turn = turn_of(request);
    let first: Vec<&str> = turn.split_whitespace().take(3).collect();
    let answer = json!({"codes": [
        {"code": "proactivity.initiative", "evidence": first.join(" ")},
        {"code": "proactivity.made_up", "evidence": first.join(" ")},
        {"code": "acceptance.welcomed", "evidence": "words no respondent said zzz"},
    ]});
    (Duration::ZERO, answer.to_string())
}

#[test]
fn verified_suggestions_become_codings_and_a_rerun_makes_no_request() {
    let server = FakeServer::start(Box::new(three_word_answers));
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let log = dir.path().join("dropped.csv");
    let run = |force: bool| {
        let mut args = vec!["code", "samples/en-01-amsterdam.txt", "--llm", &server.url];
        args.extend(["--llm-log", path(&log), "--out", path(&out)]);
        if force {
            args.push("--force");
        }
        stdout_of(&args)
    };
    let summary = run(false);
    let requests = server.requests();
    let segments = std::fs::read_to_string(out.join("segments.csv")).unwrap();
    let (headers, rows) = csv_rows(&segments);
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let mut turns: Vec<&str> = rows
        .iter()
        .filter(|r| r[col("role")] == "respondent")
        .map(|r| r[col("turn")].as_str())
        .collect();
    turns.dedup();
    assert_eq!(
        requests.len(),
        turns.len(),
        "one request per respondent turn"
    );

    // The request: the named model, temperature 0, a seed, the codebook with its leaf ids as
    // the schema's enum, the question and the turn verbatim.
    let first = &requests[0];
    assert_eq!(first["model"], "fake-model");
    assert_eq!(first["temperature"], 0.0);
    assert_eq!(first["seed"], 42);
    assert_eq!(first["response_format"]["type"], "json_schema");
    let schema = &first["response_format"]["json_schema"]["schema"];
    let ids = schema["properties"]["codes"]["items"]["properties"]["code"]["enum"]
        .as_array()
        .unwrap();
    assert!(ids.contains(&json!("proactivity.initiative")) && !ids.contains(&json!("proactivity")));
    let system = first["messages"][0]["content"].as_str().unwrap();
    assert!(
        system.contains("acceptance.privacy") && system.contains("\"codes\""),
        "{system}"
    );
    assert!(
        system.contains("The interviewer's question before this answer:\n"),
        "{system}"
    );
    let text = std::fs::read_to_string("samples/en-01-amsterdam.txt").unwrap();
    assert!(
        text.contains(&turn_of(first)),
        "the turn is sent as the transcript has it"
    );

    // The codings: one initiative per turn, on its first words, rule llm:<model>.
    let codings = std::fs::read_to_string(out.join("codings.csv")).unwrap();
    let (headers, rows) = csv_rows(&codings);
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    assert_eq!(rows.len(), turns.len(), "{codings}");
    for row in &rows {
        assert_eq!(row[col("code")], "proactivity.initiative");
        assert_eq!(row[col("rule")], "llm:fake-model");
        let (start, end): (usize, usize) = (
            row[col("start")].parse().unwrap(),
            row[col("end")].parse().unwrap(),
        );
        assert_eq!(row[col("matched")].chars().count(), end - start);
    }
    // Dropped: the made-up code and the absent evidence, for every turn, in the log too.
    let n = turns.len();
    assert!(
        summary.contains(&format!("{} suggestions, {n} kept as codings", 3 * n))
            && summary.contains(&format!("{n} evidence not in the turn, {n} unknown code")),
        "{summary}"
    );
    let (log_headers, log_rows) = csv_rows(&std::fs::read_to_string(&log).unwrap());
    assert_eq!(
        log_headers,
        ["document", "turn", "reason", "code", "evidence"]
    );
    assert_eq!(log_rows.len(), 2 * n);
    assert!(
        log_rows
            .iter()
            .any(|r| r[2] == "unknown code" && r[3] == "proactivity.made_up")
    );
    let manifest = std::fs::read_to_string(out.join("thema-run.json")).unwrap();
    let record: Value = serde_json::from_str(&manifest).unwrap();
    assert_eq!(record["llm"]["model"], "fake-model");
    assert_eq!(record["llm"]["accepted"], n);

    // The rerun: all from the cache, not one request, the same bytes.
    let again = run(true);
    assert_eq!(server.requests().len(), n, "a rerun asks nothing: {again}");
    assert!(
        again.contains(&format!("{n} answered from the cache")),
        "{again}"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("codings.csv")).unwrap(),
        codings
    );
    assert_eq!(
        std::fs::read_to_string(out.join("thema-run.json")).unwrap(),
        manifest
    );
}

#[test]
fn broken_and_late_answers_are_dropped_and_reported_and_asked_again_next_time() {
    // The first turn gets broken JSON, the second answers too late, the rest no codes.
    let count = Arc::new(Mutex::new(0));
    let seen = Arc::clone(&count);
    let server = FakeServer::start(Box::new(move |_| {
        let mut n = seen.lock().unwrap();
        *n += 1;
        match *n {
            1 => (Duration::ZERO, "{\"codes\": [{\"code\": ".to_owned()),
            2 => (Duration::from_secs(4), "{\"codes\": []}".to_owned()),
            _ => (
                Duration::ZERO,
                "Sure! ```json\n{\"codes\": []}\n```".to_owned(),
            ),
        }
    }));
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let log = dir.path().join("log.csv");
    let output = thema()
        .args(["code", "samples/en-02-rotterdam.txt", "--llm", &server.url])
        .args([
            "--llm-model",
            "fake-model",
            "--llm-timeout",
            "1",
            "--llm-tries",
            "1",
        ])
        .args([
            "--llm-concurrency",
            "1",
            "--llm-log",
            path(&log),
            "--out",
            path(&out),
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}{stderr}");
    assert!(stderr.contains("1 turns got no answer"), "{stderr}");
    assert!(
        stdout.contains("1 malformed answer, 1 no answer"),
        "{stdout}"
    );
    let (_, rows) = csv_rows(&std::fs::read_to_string(&log).unwrap());
    assert_eq!(
        rows.iter().map(|r| r[2].as_str()).collect::<Vec<_>>(),
        ["malformed answer", "no answer"]
    );
    // The malformed answer is cached (a rerun gives the same result); the missing one is
    // asked again.
    let asked = server.requests().len();
    stdout_of(&[
        "code",
        "samples/en-02-rotterdam.txt",
        "--llm",
        &server.url,
        "--llm-model",
        "fake-model",
        "--out",
        path(&out),
        "--force",
        "-q",
    ]);
    assert_eq!(server.requests().len(), asked + 1);
}

/// `thema code` of one sample with `--llm URL --llm-model MODEL`, which must fail: its
/// standard error, checked to be one line.
fn refused(url: &str, model: &str, out: &Path) -> String {
    let output = thema()
        .args(["code", "samples/en-01-amsterdam.txt", "--llm", url])
        .args(["--llm-model", model, "--out", path(out)])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    stderr
}

#[test]
fn servers_off_this_machine_and_servers_not_running_are_refused_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    // 192.0.2.0/24 is reserved for documentation: were a connection tried, it would hang
    // until the timeout, not fail at once.
    let stderr = refused("http://192.0.2.7:8080/v1", "m", &out);
    assert!(
        stderr.contains("is not this machine") && stderr.contains("--llm-allow-remote"),
        "{stderr}"
    );
    assert!(!out.exists(), "nothing written");
    // A loopback port nothing listens on.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let stderr = refused(&format!("http://127.0.0.1:{port}/v1"), "m", &out);
    assert!(stderr.contains("no model server answers"), "{stderr}");
    // A model the server does not have: one line, after one request.
    let server = FakeServer::start(Box::new(three_word_answers));
    let stderr = refused(&server.url, "no-such-model", &out);
    assert!(
        stderr.contains("model \"no-such-model\" not found") && stderr.contains("--llm-model"),
        "{stderr}"
    );
    assert_eq!(server.requests().len(), 1);
}

/// Anna's codings of the samples, per document and turn.
fn anna() -> std::collections::BTreeMap<(String, String), Vec<String>> {
    let (_, rows) = csv_rows(&std::fs::read_to_string("samples/codings/coder-anna.csv").unwrap());
    let mut codes: std::collections::BTreeMap<(String, String), Vec<String>> = Default::default();
    for r in rows {
        codes
            .entry((r[0].clone(), r[1].clone()))
            .or_default()
            .push(r[3].clone());
    }
    codes
}

#[test]
fn a_server_that_answers_with_a_hand_coding_reproduces_it_and_agree_compares_it() {
    // Turn texts of anna's four documents, from thema's own reading of them.
    let dir = tempfile::tempdir().unwrap();
    let docs = [
        "samples/en-01-amsterdam.txt",
        "samples/en-02-rotterdam.txt",
        "samples/nl-01-utrecht.txt",
        "samples/nl-02-amersfoort.txt",
    ];
    let rules = dir.path().join("rules");
    let mut args = vec!["code"];
    args.extend(docs);
    args.extend(["--out", path(&rules), "-q"]);
    stdout_of(&args);
    let (headers, rows) = csv_rows(&std::fs::read_to_string(rules.join("segments.csv")).unwrap());
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let coded = anna();
    let mut turns: std::collections::BTreeMap<(String, String), Vec<String>> = Default::default();
    for r in &rows {
        let key = (r[col("document")].clone(), r[col("turn")].clone());
        if coded.contains_key(&key) {
            turns.entry(key).or_default().push(r[col("text")].clone());
        }
    }
    // A turn is recognised by all its paragraphs, covering most of the text asked about.
    let server = FakeServer::start(Box::new(move |request| {
        let asked = turn_of(request);
        let mut codes = Vec::new();
        for (key, paragraphs) in &turns {
            let length: usize = paragraphs.iter().map(String::len).sum();
            if paragraphs.iter().all(|p| asked.contains(p.as_str()))
                && length * 10 >= asked.len() * 9
            {
                for code in &coded[key] {
                    codes.push(json!({"code": code, "evidence": paragraphs[0]}));
                }
            }
        }
        (Duration::ZERO, json!({ "codes": codes }).to_string())
    }));
    let llm = dir.path().join("llm");
    let mut args = vec!["code"];
    args.extend(docs);
    args.extend(["--llm", &server.url, "--out", path(&llm), "-q"]);
    stdout_of(&args);
    let mut args = vec!["evaluate"];
    args.extend(docs);
    let codings = llm.join("codings.csv");
    args.extend([
        "--gold",
        "samples/codings/coder-anna.csv",
        "--codings",
        path(&codings),
        "--unit",
        "turn",
        "--format",
        "csv",
    ]);
    let evaluation = stdout_of(&args);
    let (headers, rows) = csv_rows(&evaluation);
    let f1 = headers.iter().position(|h| h == "f1").unwrap();
    assert!(rows.len() > 10, "{evaluation}");
    for row in &rows {
        assert_eq!(
            row[f1], "1.000",
            "every code as anna coded it: {evaluation}"
        );
    }
    let mut args = vec!["agree"];
    args.extend(docs);
    let rule_codings = rules.join("codings.csv");
    args.extend([
        "--codings",
        path(&rule_codings),
        "--codings",
        path(&codings),
    ]);
    let agreement = stdout_of(&args);
    assert!(
        agreement.contains("auto") && agreement.contains("llm"),
        "{agreement}"
    );
}

#[test]
fn the_study_file_llm_section_sets_url_model_and_temperature() {
    let server = FakeServer::start(Box::new(three_word_answers));
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("thema.toml"),
        format!(
            "[llm]\nurl = \"{}\"\nmodel = \"from-the-study\"\ntemperature = 0.2\nformat = \"json_object\"\n",
            server.url
        ),
    )
    .unwrap();
    let sample = common::root().join("samples/en-01-amsterdam.txt");
    let output = thema()
        .current_dir(dir.path())
        .arg("code")
        .arg(&sample)
        .args(["--out", "out", "-q"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let first = &server.requests()[0];
    assert_eq!(first["model"], "from-the-study");
    assert_eq!(first["temperature"], 0.2);
    assert_eq!(first["response_format"]["type"], "json_object");
    let codings = std::fs::read_to_string(dir.path().join("out/codings.csv")).unwrap();
    assert!(codings.contains("llm:from-the-study"), "{codings}");
}
