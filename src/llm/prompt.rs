//! The request: a system message with the task and the codebook (ids, labels, definitions,
//! include/exclude, a few examples and counterexamples per code) ending with the interviewer's
//! question, and one user message: the turn, verbatim, and nothing else.

use serde_json::json;

use crate::codebook::Codebook;

use super::{LlmSettings, ResponseFormat, Unit};

/// The longest answer asked for: room for every code with its evidence, and a stop for a
/// model that repeats itself.
const MAX_ANSWER_TOKENS: usize = 1024;

/// Examples and counterexamples shown per code.
const EXAMPLES_PER_CODE: usize = 3;

/// The codes a suggestion may name in the schema: the codebook's leaves, in tree order.
pub fn leaf_codes(codebook: &Codebook) -> Vec<&str> {
    let order = codebook.tree_order();
    order
        .iter()
        .filter(|c| !order.iter().any(|o| o.parent() == Some(c.id.as_str())))
        .map(|c| c.id.as_str())
        .collect()
}

/// The system message: what to do, the answer's shape, and the codebook.
pub fn system_message(codebook: &Codebook) -> String {
    let mut out = String::from(
        "You are a careful qualitative researcher coding interview answers with a codebook.\n\
         The user message is the respondent's answer, exactly as transcribed; the interviewer's \
         question before it is given at the end of these instructions. Give every code of the \
         codebook below that applies to the answer, judged by its definition, include and \
         exclude criteria; give no code when none applies.\n\
         For each code, copy the words of the answer that show it as its evidence: a short \
         passage copied exactly from the answer, not from the question, not paraphrased.\n\
         Reply with JSON only, of exactly this shape:\n\
         {\"codes\": [{\"code\": \"<code id>\", \"evidence\": \"<words copied from the answer>\"}]}\n\
         Use only the code ids listed below. With no code, reply {\"codes\": []}.\n\n",
    );
    out.push_str(&format!(
        "Codebook: {} (version {})\n",
        codebook.name, codebook.version
    ));
    let leaves = leaf_codes(codebook);
    for code in codebook.tree_order() {
        let assignable = leaves.contains(&code.id.as_str());
        let indent = "  ".repeat(code.depth().saturating_sub(1));
        out.push_str(&format!(
            "\n{indent}{} {}: {}",
            if assignable { "- code" } else { "# group" },
            code.id,
            code.label("en")
        ));
        for (name, text) in [
            ("definition", &code.description),
            ("include", &code.include),
            ("exclude", &code.exclude),
        ] {
            let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
            if !text.is_empty() {
                out.push_str(&format!("\n{indent}  {name}: {text}"));
            }
        }
        for (name, texts) in [
            ("example", &code.examples),
            ("not this code", &code.counterexamples),
        ] {
            for text in texts.iter().take(EXAMPLES_PER_CODE) {
                out.push_str(&format!("\n{indent}  {name}: \"{}\"", text.trim()));
            }
        }
    }
    out.push('\n');
    out
}

/// The system message of one turn: the shared part, then the question asked before the turn
/// (last, so servers reuse the shared part's computation between turns).
pub fn turn_system_message(system: &str, unit: &Unit) -> String {
    let question = unit.question.trim();
    if question.is_empty() {
        format!("{system}\nNo question of the interviewer comes before this answer.\n")
    } else {
        format!("{system}\nThe interviewer's question before this answer:\n{question}\n")
    }
}

/// The JSON body of the chat-completions request for `unit`.
pub fn request_body(
    settings: &LlmSettings,
    codebook: &Codebook,
    system: &str,
    unit: &Unit,
) -> String {
    let mut body = json!({
        "model": settings.model,
        "messages": [
            {"role": "system", "content": turn_system_message(system, unit)},
            {"role": "user", "content": unit.text},
        ],
        "temperature": settings.temperature,
        "seed": settings.seed,
        "max_tokens": MAX_ANSWER_TOKENS,
        "stream": false,
    });
    let format = match settings.response_format {
        ResponseFormat::JsonSchema => Some(json!({
            "type": "json_schema",
            "json_schema": {"name": "codings", "strict": true, "schema": schema(codebook)},
        })),
        // llama.cpp's servers constrain the output to a schema given this way.
        ResponseFormat::JsonObject => {
            Some(json!({"type": "json_object", "schema": schema(codebook)}))
        }
        ResponseFormat::None => None,
    };
    if let Some(format) = format {
        body["response_format"] = format;
    }
    body.to_string()
}

/// The JSON schema of an answer: `{"codes": [{"code": <leaf id>, "evidence": <text>}]}`.
fn schema(codebook: &Codebook) -> serde_json::Value {
    json!({
        "type": "object",
        "properties": {
            "codes": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "code": {"type": "string", "enum": leaf_codes(codebook)},
                        "evidence": {"type": "string"},
                    },
                    "required": ["code", "evidence"],
                    "additionalProperties": false,
                },
            },
        },
        "required": ["codes"],
        "additionalProperties": false,
    })
}
