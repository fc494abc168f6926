//! The review screen (ratatui on crossterm): one coding at a time with the interviewer's
//! question, the segment with the matched words highlighted, the rule and the other codes of
//! the segment; keys only (no mouse), so it works over SSH, and it redraws to any size.
//! Every key that changes a decision saves the review file before the next key is read.

use ratatui::crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::{DefaultTerminal, Frame};

use super::file::{Decision, Saver};
use super::script::decision_name;
use super::state::{Entry, Review};
use crate::{Error, Result};

/// The smallest screen drawn; below it the screen asks for a bigger terminal.
const MIN_WIDTH: u16 = 24;
const MIN_HEIGHT: u16 = 6;

const HELP: &[(&str, &str)] = &[
    ("y", "accept the code"),
    ("n", "reject the code (on a code you added: take it away)"),
    ("c", "change the code: reject it and add another"),
    ("a", "add a code to this segment"),
    ("m", "write a memo (Enter saves, an empty memo clears it)"),
    ("← b Backspace", "back to the previous coding"),
    ("→ Space", "next coding, leaving this one as it is"),
    ("d / D", "first coding of the next / previous document"),
    ("↑ ↓ PgUp PgDn", "scroll the text"),
    ("?", "this help (any key closes it)"),
    ("q Esc Ctrl-C", "quit: every decision is saved already"),
    ("", ""),
    (
        "in a prompt",
        "type to filter codes, ↑ ↓ choose, Tab completes,",
    ),
    ("", "Enter confirms, Esc cancels"),
];

/// What a prompt asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ask {
    Add,
    Change,
    Memo,
}

/// What the screen is doing.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Mode {
    Normal,
    Help,
    Prompt {
        ask: Ask,
        input: String,
        chosen: usize,
    },
}

/// Whether to go on after a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Read the next key.
    Continue,
    /// The reviewer quit.
    Quit,
}

/// The screen over a review.
pub struct App<'r, 'a> {
    review: &'r mut Review<'a>,
    mode: Mode,
    message: String,
    scroll: u16,
    scrolled_at: usize,
    color: bool,
}

impl<'r, 'a> App<'r, 'a> {
    /// A screen starting with `message` in the status line; `color` false draws with bold
    /// and reverse only (for `NO_COLOR`).
    pub fn new(review: &'r mut Review<'a>, message: String, color: bool) -> App<'r, 'a> {
        let scrolled_at = review.position();
        App {
            review,
            mode: Mode::Normal,
            message,
            scroll: 0,
            scrolled_at,
            color,
        }
    }

    /// The review behind the screen.
    pub fn review(&self) -> &Review<'a> {
        self.review
    }

    /// Handles one key.
    pub fn handle(&mut self, key: KeyEvent) -> Flow {
        let control = key.modifiers.contains(KeyModifiers::CONTROL);
        match std::mem::replace(&mut self.mode, Mode::Normal) {
            Mode::Help => Flow::Continue,
            Mode::Prompt { ask, input, chosen } => {
                self.prompt_key(ask, input, chosen, key, control);
                Flow::Continue
            }
            Mode::Normal => self.normal_key(key, control),
        }
    }

    fn normal_key(&mut self, key: KeyEvent, control: bool) -> Flow {
        let review = &mut *self.review;
        let outcome = match key.code {
            KeyCode::Char('c') if control => return Flow::Quit,
            KeyCode::Char('q') | KeyCode::Esc => return Flow::Quit,
            KeyCode::Char('y') => review.accept(),
            KeyCode::Char('n') => review.reject(),
            KeyCode::Char('c') => return self.ask(Ask::Change, String::new()),
            KeyCode::Char('a') => return self.ask(Ask::Add, String::new()),
            KeyCode::Char('m') => {
                let memo = review.current_memo().to_owned();
                return self.ask(Ask::Memo, memo);
            }
            KeyCode::Left | KeyCode::Char('b') | KeyCode::Backspace => review.back(),
            KeyCode::Right | KeyCode::Char(' ') => review.forward(),
            KeyCode::Char('d') | KeyCode::Tab => review.next_document(),
            KeyCode::Char('D') | KeyCode::BackTab => review.previous_document(),
            KeyCode::Down | KeyCode::Char('j') => self.scroll_by(1),
            KeyCode::Up | KeyCode::Char('k') => self.scroll_by(-1),
            KeyCode::PageDown => self.scroll_by(10),
            KeyCode::PageUp => self.scroll_by(-10),
            KeyCode::Char('?') | KeyCode::F(1) => {
                self.mode = Mode::Help;
                Ok(String::new())
            }
            _ => Err("? shows the keys".into()),
        };
        self.message = outcome.unwrap_or_else(|e| e);
        Flow::Continue
    }

    fn scroll_by(&mut self, lines: i32) -> std::result::Result<String, String> {
        self.scroll = (i32::from(self.scroll) + lines).clamp(0, i32::from(u16::MAX)) as u16;
        Ok(String::new())
    }

    fn ask(&mut self, ask: Ask, input: String) -> Flow {
        self.mode = Mode::Prompt {
            ask,
            input,
            chosen: 0,
        };
        self.message.clear();
        Flow::Continue
    }

    fn prompt_key(
        &mut self,
        ask: Ask,
        mut input: String,
        mut chosen: usize,
        key: KeyEvent,
        control: bool,
    ) {
        let candidates = self.candidates(ask, &input);
        match key.code {
            KeyCode::Esc => return self.message = "cancelled".into(),
            KeyCode::Char('c') if control => return self.message = "cancelled".into(),
            KeyCode::Enter => {
                let typed = input.trim();
                if typed.is_empty() && ask != Ask::Memo {
                    return self.message = "cancelled: no code typed".into();
                }
                let picked = candidates
                    .get(chosen)
                    .filter(|_| candidates.iter().all(|c| c != typed))
                    .map_or(typed, String::as_str);
                let outcome = match ask {
                    Ask::Memo => self.review.memo(&input),
                    Ask::Add => self.review.add(picked),
                    Ask::Change => self.review.change(picked),
                };
                self.message = outcome.unwrap_or_else(|e| e);
                return;
            }
            KeyCode::Backspace => {
                input.pop();
                chosen = 0;
            }
            KeyCode::Down => chosen = (chosen + 1).min(candidates.len().saturating_sub(1)),
            KeyCode::Up => chosen = chosen.saturating_sub(1),
            KeyCode::Tab => {
                if let Some(c) = candidates.get(chosen) {
                    input = c.clone();
                    chosen = 0;
                }
            }
            KeyCode::Char(c) if !control => {
                input.push(c);
                chosen = 0;
            }
            _ => {}
        }
        self.mode = Mode::Prompt { ask, input, chosen };
    }

    /// The code ids a code prompt offers for `input`.
    fn candidates(&self, ask: Ask, input: &str) -> Vec<String> {
        if ask == Ask::Memo {
            return Vec::new();
        }
        let language = &self.review.view(self.review.current()).document.language;
        self.review
            .codes_matching(input, language)
            .into_iter()
            .map(|(id, _)| id.to_owned())
            .collect()
    }

    /// Draws the screen.
    pub fn draw(&mut self, frame: &mut Frame<'_>) {
        let area = frame.area();
        if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
            let text = format!(
                "thema review: the terminal is {}×{}; make it at least {MIN_WIDTH}×{MIN_HEIGHT}",
                area.width, area.height
            );
            frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), area);
            return;
        }
        if self.scrolled_at != self.review.position() {
            self.scroll = 0;
            self.scrolled_at = self.review.position();
        }
        let [header, code, rule, body, status, help] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Min(1),
            Constraint::Length(1),
            Constraint::Length(1),
        ])
        .areas(area);
        let entry = self.review.current();
        let view = self.review.view(entry);
        let segment = view.segment;
        let time = super::time_suffix(segment);
        let number = match entry {
            Entry::Item(i) => format!("coding {}/{}", i + 1, self.review.items().len()),
            Entry::Added(_) => "your code".to_owned(),
        };
        let heading = format!(
            " {number} · {} decided · {} · segment {} · turn {} · {}{time}",
            self.review.decided(),
            view.document.id,
            segment.index,
            segment.turn,
            segment.speaker,
        );
        frame.render_widget(
            Paragraph::new(heading).style(Style::new().add_modifier(Modifier::REVERSED)),
            header,
        );
        let decided = Span::styled(
            format!("[{}]", decision_name(view.decision)),
            self.decision_style(view.decision),
        );
        let mut code_line = vec![
            Span::styled(view.code, Style::new().add_modifier(Modifier::BOLD)),
            Span::raw("  "),
            decided,
        ];
        if !view.label.is_empty() {
            code_line.insert(1, Span::raw(format!("  {}", view.label)));
        }
        frame.render_widget(Paragraph::new(Line::from(code_line)), code);
        let source = if view.source.is_empty() {
            "added by you".to_owned()
        } else {
            format!("by {}", view.source)
        };
        let mut how = vec![source];
        if !view.rules.is_empty() {
            how.push(format!("rule {}", view.rules));
        }
        if !view.matched.is_empty() {
            how.push(format!("matched {}", view.matched));
        }
        frame.render_widget(
            Paragraph::new(how.join(" · ")).style(Style::new().add_modifier(Modifier::DIM)),
            rule,
        );
        let mode = self.mode.clone();
        match &mode {
            Mode::Help => self.draw_help(frame, body),
            Mode::Prompt { ask, input, chosen } if *ask != Ask::Memo => {
                self.draw_candidates(frame, body, *ask, input, *chosen);
            }
            _ => self.draw_body(frame, body),
        }
        match &mode {
            Mode::Prompt { ask, input, .. } => {
                let question = match ask {
                    Ask::Add => "add code: ",
                    Ask::Change => "change into: ",
                    Ask::Memo => "memo: ",
                };
                let shown = format!("{question}{input}");
                let width = unicode_width::UnicodeWidthStr::width(shown.as_str()) as u16;
                let x = status.x + width.min(status.width.saturating_sub(1));
                frame.render_widget(
                    Paragraph::new(shown).style(Style::new().add_modifier(Modifier::BOLD)),
                    status,
                );
                frame.set_cursor_position((x, status.y));
            }
            _ => frame.render_widget(Paragraph::new(self.message.as_str()), status),
        }
        let keys = if help.width >= 96 {
            "y accept · n reject · c change · a add · m memo · ← back · → next · d next doc · ? help · q quit"
        } else {
            "y/n accept/reject · c a m · ←→ · d · ? help · q"
        };
        frame.render_widget(
            Paragraph::new(keys).style(Style::new().add_modifier(Modifier::DIM)),
            help,
        );
    }

    fn decision_style(&self, decision: Option<Decision>) -> Style {
        let style = Style::new().add_modifier(Modifier::BOLD);
        if !self.color {
            return style;
        }
        style.fg(match decision {
            Some(Decision::Accepted) => Color::Green,
            Some(Decision::Rejected) => Color::Red,
            Some(Decision::Added) => Color::Cyan,
            Some(Decision::Pending) | None => Color::Yellow,
        })
    }

    fn draw_body(&mut self, frame: &mut Frame<'_>, area: Rect) {
        let view = self.review.view(self.review.current());
        let dim = Style::new().add_modifier(Modifier::DIM);
        let bold = Style::new().add_modifier(Modifier::BOLD);
        let mark = bold.add_modifier(Modifier::REVERSED);
        let mut lines: Vec<Line<'_>> = Vec::new();
        for (i, q) in view.question.iter().enumerate() {
            let speaker = if i == 0 {
                format!("{}: ", q.speaker)
            } else {
                String::new()
            };
            push_runs(
                &mut lines,
                Span::styled(speaker, dim),
                vec![(q.text.clone(), false)],
                dim,
                dim,
            );
        }
        if !view.question.is_empty() {
            lines.push(Line::default());
        }
        let runs = crate::analysis::quotes::runs(&view.segment.text, &view.highlights);
        push_runs(
            &mut lines,
            Span::styled(format!("{}: ", view.segment.speaker), bold),
            runs,
            Style::new(),
            mark,
        );
        if !view.others.is_empty() {
            lines.push(Line::default());
            let mut spans = vec![Span::styled("also here: ", dim)];
            for (n, (code, decision)) in view.others.iter().enumerate() {
                if n > 0 {
                    spans.push(Span::raw(", "));
                }
                spans.push(Span::raw(*code));
                spans.push(Span::styled(
                    format!(" ({})", decision_name(*decision)),
                    self.decision_style(*decision),
                ));
            }
            lines.push(Line::from(spans));
        }
        if !view.memo.is_empty() {
            lines.push(Line::default());
            push_runs(
                &mut lines,
                Span::styled("memo: ", bold),
                vec![(view.memo.to_owned(), false)],
                Style::new(),
                Style::new(),
            );
        }
        let needed = wrapped_height(&lines, area.width);
        let most = needed.saturating_sub(usize::from(area.height));
        self.scroll = self.scroll.min(u16::try_from(most).unwrap_or(u16::MAX));
        frame.render_widget(
            Paragraph::new(Text::from(lines))
                .wrap(Wrap { trim: false })
                .scroll((self.scroll, 0)),
            area,
        );
    }

    fn draw_candidates(
        &self,
        frame: &mut Frame<'_>,
        area: Rect,
        ask: Ask,
        input: &str,
        chosen: usize,
    ) {
        let language = &self.review.view(self.review.current()).document.language;
        let candidates = self.review.codes_matching(input, language);
        let rows = usize::from(area.height);
        let first = chosen.saturating_sub(rows.saturating_sub(1));
        let mut lines: Vec<Line<'_>> = candidates
            .iter()
            .enumerate()
            .skip(first)
            .take(rows)
            .map(|(i, (id, label))| {
                let style = if i == chosen {
                    Style::new().add_modifier(Modifier::REVERSED)
                } else {
                    Style::new()
                };
                Line::from(vec![
                    Span::styled(format!("{id}  "), style.add_modifier(Modifier::BOLD)),
                    Span::styled(*label, style),
                ])
            })
            .collect();
        if lines.is_empty() {
            let what = if ask == Ask::Add { "add" } else { "use" };
            lines.push(Line::from(format!(
                "no code has {input:?} in its id or label: nothing to {what}"
            )));
        }
        frame.render_widget(Paragraph::new(Text::from(lines)), area);
    }

    fn draw_help(&self, frame: &mut Frame<'_>, area: Rect) {
        let lines: Vec<Line<'_>> = HELP
            .iter()
            .map(|(keys, what)| {
                Line::from(vec![
                    Span::styled(
                        format!("{keys:>14}  "),
                        Style::new().add_modifier(Modifier::BOLD),
                    ),
                    Span::raw(*what),
                ])
            })
            .collect();
        frame.render_widget(
            Paragraph::new(Text::from(lines)).wrap(Wrap { trim: false }),
            area,
        );
    }
}

/// Appends `runs` (text, highlighted) as lines starting with `prefix`, splitting at newlines.
fn push_runs<'t>(
    lines: &mut Vec<Line<'t>>,
    prefix: Span<'t>,
    runs: Vec<(String, bool)>,
    plain: Style,
    marked: Style,
) {
    let mut current: Vec<Span<'t>> = vec![prefix];
    for (run, highlighted) in runs {
        let style = if highlighted { marked } else { plain };
        let mut parts = run.split('\n');
        if let Some(first) = parts.next() {
            current.push(Span::styled(first.to_owned(), style));
        }
        for part in parts {
            lines.push(Line::from(std::mem::take(&mut current)));
            current.push(Span::styled(part.to_owned(), style));
        }
    }
    lines.push(Line::from(current));
}

/// About how many rows `lines` take wrapped to `width` (word wrapping may take a few more).
fn wrapped_height(lines: &[Line<'_>], width: u16) -> usize {
    let width = usize::from(width.max(1));
    lines
        .iter()
        .map(|l| l.width().div_ceil(width).max(1) + l.width() / (width * 4).max(1))
        .sum()
}

/// Runs the screen until the reviewer quits, saving through `saver` after every key.
pub fn run(review: &mut Review<'_>, saver: &mut Saver, greeting: String) -> Result<()> {
    let color = std::env::var_os("NO_COLOR").is_none();
    let mut terminal = ratatui::try_init().map_err(terminal_error)?;
    let mut app = App::new(review, greeting, color);
    let result = event_loop(&mut terminal, &mut app, saver);
    let restored = ratatui::try_restore().map_err(terminal_error);
    result.and(restored)
}

fn event_loop(
    terminal: &mut DefaultTerminal,
    app: &mut App<'_, '_>,
    saver: &mut Saver,
) -> Result<()> {
    loop {
        terminal
            .draw(|frame| app.draw(frame))
            .map_err(terminal_error)?;
        match event::read().map_err(terminal_error)? {
            Event::Key(key) if key.kind != KeyEventKind::Release => {
                let flow = app.handle(key);
                saver.save(&app.review().rows())?;
                if flow == Flow::Quit {
                    return Ok(());
                }
            }
            // A resize (or anything else) redraws at the new size.
            _ => {}
        }
    }
}

fn terminal_error(e: std::io::Error) -> Error {
    Error::Usage(format!("the terminal failed: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Coding;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    fn buffer(app: &mut App<'_, '_>, width: u16, height: u16) -> ratatui::buffer::Buffer {
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        terminal.draw(|f| app.draw(f)).unwrap();
        terminal.backend().buffer().clone()
    }

    fn screen(app: &mut App<'_, '_>, width: u16, height: u16) -> String {
        let buffer = buffer(app, width, height);
        (0..height)
            .map(|y| {
                (0..width)
                    .map(|x| buffer[(x, y)].symbol().to_owned())
                    .collect::<String>()
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn keys_decide_and_the_screen_fits_any_size() {
        let codebook = crate::codebook::Codebook::embedded().unwrap();
        let documents = vec![super::super::fixture::document(
            "D1",
            &[
                "Did anyone get in touch with you?",
                "The municipality sent a letter and it felt creepy, how did they know?",
            ],
        )];
        let start = documents[0].segments[1].start;
        let coding = |code: &str, from: usize, to: usize| Coding {
            segment: 2,
            start: start + from,
            end: start + to,
            code: code.into(),
            rule: format!("{code}#1"),
            matched: documents[0].segments[1].text[from..to].into(),
        };
        let codings = vec![vec![
            coding("actor.municipality", 4, 16),
            coding("acceptance.privacy", 43, 49),
        ]];
        let items = super::super::items_from_engine(&codings, &[]);
        let mut review = Review::new(&documents, &codebook, items, "tester").unwrap();
        let mut app = App::new(&mut review, String::new(), false);
        let big = screen(&mut app, 100, 20);
        assert!(big.contains("Did anyone get in touch"), "{big}");
        assert!(big.contains("acceptance.privacy"), "{big}");
        assert!(big.contains("coding 1/2"), "{big}");
        // The matched word of the code shown is highlighted, the other code's is not.
        let cells = buffer(&mut app, 100, 20);
        let marked = |word: &str| {
            let (y, line) = big
                .lines()
                .enumerate()
                .find(|(_, l)| l.starts_with("R: ") && l.contains(word))
                .unwrap();
            let x = line.find(word).unwrap();
            (x..x + word.len()).all(|x| {
                cells[(x as u16, y as u16)]
                    .modifier
                    .contains(Modifier::REVERSED)
            })
        };
        assert!(marked("creepy") && !marked("municipality"), "{big}");
        for (w, h) in [(10, 3), (24, 6), (30, 8), (200, 60)] {
            let drawn = screen(&mut app, w, h);
            assert_eq!(drawn.lines().count(), usize::from(h));
        }
        assert!(screen(&mut app, 10, 3).contains("thema"));
        app.handle(key(KeyCode::Char('n')));
        app.handle(key(KeyCode::Char('a')));
        for c in "housing".chars() {
            app.handle(key(KeyCode::Char(c)));
        }
        let picking = screen(&mut app, 60, 12);
        assert!(picking.contains("actor.housing"), "{picking}");
        app.handle(key(KeyCode::Enter));
        app.handle(key(KeyCode::Char('y')));
        let decisions: Vec<(String, &str)> = app
            .review()
            .rows()
            .iter()
            .map(|r| (r.code.clone(), r.decision.as_str()))
            .collect();
        assert_eq!(
            decisions,
            [
                ("acceptance.privacy".to_owned(), "rejected"),
                ("actor.municipality".to_owned(), "accepted"),
                ("actor.housing".to_owned(), "added"),
            ]
        );
        assert_eq!(app.handle(key(KeyCode::Char('q'))), Flow::Quit);
    }
}
