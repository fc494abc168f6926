//! The HTTP side: which servers may be contacted (loopback unless the user opts out, decided
//! from the URL before any name is resolved or connection made) and one chat-completions
//! request with a timeout and bounded retries.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crate::{Error, Result};

use super::LlmSettings;

/// A checked server URL.
#[derive(Debug, Clone)]
pub struct Endpoint {
    /// The base URL without a trailing slash.
    pub base: String,
    /// `{base}/chat/completions`.
    pub url: String,
    /// Whether the host is this machine.
    pub loopback: bool,
}

impl Endpoint {
    /// Checks `base` (`http://host:port/v1`): only `http` (thema is built without TLS), and
    /// a loopback host (`localhost`, `127.0.0.0/8`, `::1`) unless `allow_remote`.
    pub fn parse(base: &str, allow_remote: bool) -> Result<Endpoint> {
        let usage = |m: String| Error::Usage(format!("--llm {base}: {m}"));
        let rest = match base.split_once("://") {
            Some(("http", rest)) => rest,
            Some(("https", _)) => {
                return Err(usage(
                    "https is not supported (thema is built without TLS; a local server speaks http)".into(),
                ));
            }
            _ => {
                return Err(usage(
                    "give an http:// URL, e.g. http://127.0.0.1:11434/v1".into(),
                ));
            }
        };
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        if authority.contains('@') {
            return Err(usage(
                "a URL with a user name or password is not supported".into(),
            ));
        }
        let host = match authority.strip_prefix('[') {
            Some(v6) => v6.split(']').next().unwrap_or_default(),
            None => authority.rsplit_once(':').map_or(authority, |(h, _)| h),
        };
        if host.is_empty() {
            return Err(usage("the URL names no host".into()));
        }
        let loopback = is_loopback(host);
        if !loopback && !allow_remote {
            return Err(usage(format!(
                "`{host}` is not this machine: thema sends interview text only to a server on loopback (localhost, 127.0.0.1, ::1); give --llm-allow-remote to send the transcripts to it"
            )));
        }
        let base = base.trim_end_matches('/').to_owned();
        Ok(Endpoint {
            url: format!("{base}/chat/completions"),
            base,
            loopback,
        })
    }
}

/// The models the server lists at `{base}/models`, for a run that names none: `None` when
/// the server has no such listing. Nothing listening there is an error.
pub fn list_models(endpoint: &Endpoint) -> Result<Option<Vec<String>>> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .proxy(None)
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .into();
    let url = format!("{}/models", endpoint.base);
    let mut response = match agent.get(&url).call() {
        Ok(response) => response,
        Err(e) if refused(&e) => {
            return Err(Error::Usage(format!(
                "no model server answers at {url} ({e}): start it first, e.g. `ollama serve` or `python -m llama_cpp.server --model FILE --host 127.0.0.1`"
            )));
        }
        Err(_) => return Ok(None),
    };
    if response.status().as_u16() != 200 {
        return Ok(None);
    }
    let Ok(text) = response.body_mut().read_to_string() else {
        return Ok(None);
    };
    let Ok(value) = serde_json::from_str::<serde_json::Value>(&text) else {
        return Ok(None);
    };
    let mut models: Vec<String> = value
        .get("data")
        .and_then(serde_json::Value::as_array)
        .map(|d| {
            d.iter()
                .filter_map(|m| m.get("id")?.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    models.sort();
    Ok(Some(models))
}

/// Whether `host` names this machine without resolving it.
fn is_loopback(host: &str) -> bool {
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    host.parse::<std::net::IpAddr>()
        .is_ok_and(|ip| ip.is_loopback())
}

/// A chat-completions client.
pub struct Client {
    endpoint: Endpoint,
    agent: ureq::Agent,
    tries: usize,
    model: String,
}

/// What one unit's request came to: the message content, or why there is none.
pub type Answer = std::result::Result<String, String>;

impl Client {
    /// A client with the settings' timeout and tries, and no proxy (a proxy from the
    /// environment would take the transcripts off the machine).
    pub fn new(endpoint: Endpoint, settings: &LlmSettings) -> Client {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .proxy(None)
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_global(Some(settings.timeout))
            .timeout_connect(Some(Duration::from_secs(5)))
            .build()
            .into();
        Client {
            endpoint,
            agent,
            tries: settings.tries.max(1),
            model: settings.model.clone(),
        }
    }

    /// Sends `body`, retrying timeouts, dropped connections and server errors with backoff.
    /// An error is what no unit can get past: no server listening, an unknown model, a
    /// request the server refuses. `Ok(Err(_))` is one unit given up after every try.
    pub fn ask(&self, body: &str, requests: &AtomicUsize) -> Result<Answer> {
        let mut last = String::new();
        for attempt in 0..self.tries {
            if attempt > 0 {
                std::thread::sleep(Duration::from_millis(250 << attempt.min(5)));
            }
            requests.fetch_add(1, Ordering::Relaxed);
            let sent = self
                .agent
                .post(&self.endpoint.url)
                .header("Content-Type", "application/json")
                .send(body);
            let mut response = match sent {
                Ok(r) => r,
                Err(ureq::Error::Timeout(_)) => {
                    last = format!("no answer within the timeout ({} tries)", attempt + 1);
                    continue;
                }
                Err(e) if attempt == 0 && refused(&e) => {
                    return Err(Error::Usage(format!(
                        "no model server answers at {} ({e}): start it first, e.g. `ollama serve` or `python -m llama_cpp.server --model FILE --host 127.0.0.1`",
                        self.endpoint.url
                    )));
                }
                Err(e) => {
                    last = format!("request failed: {e}");
                    continue;
                }
            };
            let status = response.status().as_u16();
            let text = match response
                .body_mut()
                .with_config()
                .limit(16 << 20)
                .read_to_string()
            {
                Ok(t) => t,
                Err(ureq::Error::Timeout(_)) => {
                    last = format!("no answer within the timeout ({} tries)", attempt + 1);
                    continue;
                }
                Err(e) => {
                    last = format!("answer unreadable: {e}");
                    continue;
                }
            };
            match status {
                200..=299 => return Ok(content(&text)),
                // Some servers (llama-cpp-python) answer an unsupported response_format with
                // a 500: no retry will change that.
                _ if text.contains("response_format") => return Err(self.refusal(status, &text)),
                429 | 500..=599 => {
                    last = format!("server error {status}: {}", excerpt(&text));
                }
                _ => return Err(self.refusal(status, &text)),
            }
        }
        Ok(Err(last))
    }

    /// The error for a request the server will refuse for every unit.
    fn refusal(&self, status: u16, text: &str) -> Error {
        let message = excerpt(&server_message(text));
        let hint = if text.contains("response_format") {
            " (this server does not take that response_format: give --llm-format json-object, or none)"
                .to_owned()
        } else if message.to_lowercase().contains("model") {
            format!(
                " (is `{}` the model's name on the server? --llm-model sets it)",
                self.model
            )
        } else if status == 404 {
            " (give the server's OpenAI-compatible base URL, e.g. http://127.0.0.1:11434/v1)"
                .to_owned()
        } else {
            String::new()
        };
        Error::Usage(format!(
            "the model server refused the request: {status} {message}{hint}"
        ))
    }
}

/// Whether `e` says nothing listens at the address.
fn refused(e: &ureq::Error) -> bool {
    match e {
        ureq::Error::ConnectionFailed | ureq::Error::HostNotFound => true,
        ureq::Error::Io(io) => matches!(
            io.kind(),
            std::io::ErrorKind::ConnectionRefused | std::io::ErrorKind::AddrNotAvailable
        ),
        _ => false,
    }
}

/// The first message's content of a chat completion.
fn content(text: &str) -> Answer {
    let value: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| format!("the server's answer is not JSON ({e}): {}", excerpt(text)))?;
    value
        .pointer("/choices/0/message/content")
        .and_then(serde_json::Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| {
            format!(
                "the server's answer has no choices[0].message.content: {}",
                excerpt(text)
            )
        })
}

/// The `error.message` of an error body, else the body's start.
fn server_message(text: &str) -> String {
    serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|v| {
            v.pointer("/error/message")
                .or_else(|| v.pointer("/error"))
                .or_else(|| v.pointer("/detail"))
                .map(|m| m.as_str().map_or_else(|| m.to_string(), str::to_owned))
        })
        .unwrap_or_else(|| excerpt(text))
}

/// The first 200 characters of `text`, on one line.
fn excerpt(text: &str) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match one_line.char_indices().nth(200) {
        Some((b, _)) => format!("{}…", &one_line[..b]),
        None => one_line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_hosts_pass_without_opting_in() {
        for ok in [
            "http://127.0.0.1:8080/v1",
            "http://localhost:11434/v1/",
            "http://[::1]:8000/v1",
            "http://127.3.2.1",
        ] {
            let e = Endpoint::parse(ok, false).expect(ok);
            assert!(e.loopback && e.url.ends_with("/chat/completions"), "{ok}");
        }
        assert_eq!(
            Endpoint::parse("http://localhost:11434/v1/", false)
                .unwrap()
                .url,
            "http://localhost:11434/v1/chat/completions"
        );
        for remote in [
            "http://10.0.0.5:8080/v1",
            "http://example.org/v1",
            "http://127.0.0.1.example.org/v1",
            "http://[::2]:80/v1",
            "http://localhost.evil:80",
        ] {
            let e = Endpoint::parse(remote, false).unwrap_err().to_string();
            assert!(e.contains("--llm-allow-remote"), "{remote}: {e}");
            assert!(!Endpoint::parse(remote, true).unwrap().loopback);
        }
        assert!(Endpoint::parse("http://user:pw@127.0.0.1/v1", false).is_err());
        assert!(Endpoint::parse("https://127.0.0.1/v1", true).is_err());
        assert!(Endpoint::parse("127.0.0.1:8080", false).is_err());
    }

    #[test]
    fn a_completion_gives_its_content_and_anything_else_a_reason() {
        let ok = r#"{"choices":[{"message":{"role":"assistant","content":"{\"codes\":[]}"}}]}"#;
        assert_eq!(content(ok), Ok(r#"{"codes":[]}"#.to_owned()));
        assert!(content("<html>").unwrap_err().contains("not JSON"));
        assert!(
            content(r#"{"choices":[]}"#)
                .unwrap_err()
                .contains("no choices")
        );
        assert_eq!(
            server_message(r#"{"error":{"message":"model 'x' not found"}}"#),
            "model 'x' not found"
        );
    }
}
