//! A crate's module graph, read from its sources, and a check that it has no cycle.
//!
//! STYLE.md asks for a module graph without cycles in every crate; the compiler allows
//! cycles, so this check reads the sources instead. It needs only `std`, so any crate's
//! tests can use it with
//!
//! ```ignore
//! #[path = "../../simulator/tests/module_graph/mod.rs"]
//! mod module_graph;
//!
//! #[test]
//! fn modules_form_no_cycle() {
//!     module_graph::assert_acyclic(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
//! }
//! ```
//!
//! What counts as "module A uses module B": a path outside comments and literals that
//! starts with `crate::`, `super::`, `self::` or the name of one of A's own child
//! modules, and names B or something inside B (`use` trees included). Nodes are the
//! crate's files (the root is `crate`); an inline module (`mod tests { .. }`) belongs to
//! the file it is written in, so a unit test that reaches elsewhere counts too. Edges
//! from the `mod x;` declarations alone do not count: declaring is not using.
//!
//! It is a lexer, not a parser: enough for paths, and it errs towards seeing an edge.

#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Each module (`crate`, `a`, `a::b`) and the modules it uses, itself excluded.
pub type ModuleGraph = BTreeMap<String, BTreeSet<String>>;

/// The name the crate root goes by.
pub const ROOT: &str = "crate";

/// Panics, naming the modules around the cycle and printing the whole graph, if the
/// crate whose sources are in `src_dir` (`lib.rs`, else `main.rs`) has a module cycle.
pub fn assert_acyclic(src_dir: &Path) {
    let graph = module_graph(src_dir).unwrap_or_else(|err| panic!("{err}"));
    let listing = describe(&graph);
    if let Some(cycle) = find_cycle(&graph) {
        panic!(
            "the modules of {} form a cycle: {}\n{listing}",
            src_dir.display(),
            cycle.join(" -> ")
        );
    }
    println!("{listing}");
}

/// The module graph of the crate whose sources are in `src_dir`: the modules reachable
/// from `lib.rs` (else `main.rs`) through `mod x;` declarations.
pub fn module_graph(src_dir: &Path) -> Result<ModuleGraph, String> {
    let root = ["lib.rs", "main.rs"]
        .iter()
        .map(|name| src_dir.join(name))
        .find(|path| path.is_file())
        .ok_or_else(|| format!("{} has neither lib.rs nor main.rs", src_dir.display()))?;
    let files = discover(&root, src_dir)?;
    let known: BTreeSet<Vec<String>> = files.keys().cloned().collect();
    let mut graph = ModuleGraph::new();
    for (module, tokens) in &files {
        let uses = graph.entry(name(module)).or_default();
        for path in paths(tokens, module, &known) {
            let target = known
                .iter()
                .filter(|candidate| path.starts_with(candidate))
                .max_by_key(|candidate| candidate.len())
                .cloned()
                .unwrap_or_default();
            if &target != module {
                uses.insert(name(&target));
            }
        }
    }
    Ok(graph)
}

/// A cycle, as the modules along it with the first repeated at the end, if any.
pub fn find_cycle(graph: &ModuleGraph) -> Option<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Visiting,
        Done,
    }
    fn visit<'g>(
        graph: &'g ModuleGraph,
        node: &'g str,
        marks: &mut BTreeMap<&'g str, Mark>,
        trail: &mut Vec<&'g str>,
    ) -> Option<Vec<String>> {
        match marks.get(node) {
            Some(Mark::Done) => return None,
            Some(Mark::Visiting) => {
                let start = trail.iter().position(|n| *n == node).unwrap_or(0);
                let mut cycle: Vec<String> = trail[start..].iter().map(|n| n.to_string()).collect();
                cycle.push(node.to_owned());
                return Some(cycle);
            }
            None => {}
        }
        marks.insert(node, Mark::Visiting);
        trail.push(node);
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(graph, next, marks, trail) {
                return Some(cycle);
            }
        }
        trail.pop();
        marks.insert(node, Mark::Done);
        None
    }
    let mut marks = BTreeMap::new();
    graph
        .keys()
        .find_map(|node| visit(graph, node, &mut marks, &mut Vec::new()))
}

/// One line per module: what it uses.
pub fn describe(graph: &ModuleGraph) -> String {
    graph
        .iter()
        .map(|(module, uses)| {
            let uses: Vec<&str> = uses.iter().map(String::as_str).collect();
            format!("{module} -> [{}]\n", uses.join(", "))
        })
        .collect()
}

fn name(module: &[String]) -> String {
    if module.is_empty() {
        ROOT.to_owned()
    } else {
        module.join("::")
    }
}

/// Every file module reachable from the root, with its tokens.
fn discover(root: &Path, src_dir: &Path) -> Result<BTreeMap<Vec<String>, Vec<Token>>, String> {
    let mut files = BTreeMap::new();
    // Each file with its module path and the folder its child modules live in.
    let mut pending: Vec<(PathBuf, Vec<String>, PathBuf)> =
        vec![(root.to_owned(), Vec::new(), src_dir.to_owned())];
    while let Some((file, module, children_dir)) = pending.pop() {
        let source = fs::read_to_string(&file)
            .map_err(|err| format!("cannot read {}: {err}", file.display()))?;
        let tokens = lex(&source);
        for (inline, child) in declared(&tokens) {
            let mut dir = children_dir.clone();
            dir.extend(&inline);
            let flat = dir.join(format!("{child}.rs"));
            let nested = dir.join(&child).join("mod.rs");
            let found = if flat.is_file() {
                flat
            } else if nested.is_file() {
                nested
            } else {
                return Err(format!(
                    "{} declares `mod {child};` but neither {} nor {} exists",
                    file.display(),
                    flat.display(),
                    nested.display()
                ));
            };
            let mut child_module = module.clone();
            child_module.extend(inline);
            child_module.push(child.clone());
            pending.push((found, child_module, dir.join(&child)));
        }
        files.insert(module, tokens);
    }
    Ok(files)
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Ident(String),
    Punct(char),
}

fn is_ident(token: Option<&Token>, word: &str) -> bool {
    matches!(token, Some(Token::Ident(w)) if w == word)
}

fn is_punct(token: Option<&Token>, c: char) -> bool {
    token == Some(&Token::Punct(c))
}

fn is_path_sep(tokens: &[Token], at: usize) -> bool {
    is_punct(tokens.get(at), ':') && is_punct(tokens.get(at + 1), ':')
}

/// Identifiers and punctuation, without comments, literals and whitespace.
fn lex(source: &str) -> Vec<Token> {
    let chars: Vec<char> = source.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    let at = |i: usize| chars.get(i).copied().unwrap_or('\0');
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '/' && at(i + 1) == '/' {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && at(i + 1) == '*' {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if c == '"' {
            i = skip_string(&chars, i + 1);
        } else if c == '\'' {
            i = skip_quote(&chars, i);
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            let prefix = matches!(word.as_str(), "r" | "b" | "br" | "c" | "cr");
            if prefix && (at(i) == '"' || (at(i) == '#' && matches!(at(i + 1), '"' | '#'))) {
                i = if word.contains('r') {
                    skip_raw_string(&chars, i)
                } else {
                    skip_string(&chars, i + 1)
                };
            } else if word == "b" && at(i) == '\'' {
                i = skip_quote(&chars, i);
            } else if word == "r" && at(i) == '#' {
                // A raw identifier, `r#type`: the word after the `#` is the name.
                i += 1;
            } else {
                tokens.push(Token::Ident(word));
            }
        } else if c.is_ascii_digit() {
            while i < chars.len()
                && (chars[i].is_alphanumeric()
                    || chars[i] == '_'
                    || (chars[i] == '.' && at(i + 1).is_ascii_digit()))
            {
                i += 1;
            }
        } else {
            tokens.push(Token::Punct(c));
            i += 1;
        }
    }
    tokens
}

/// Past the closing quote of a string whose contents start at `i`.
fn skip_string(chars: &[char], mut i: usize) -> usize {
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 2,
            '"' => return i + 1,
            _ => i += 1,
        }
    }
    i
}

/// Past a raw string whose `#`s or opening quote are at `i`.
fn skip_raw_string(chars: &[char], mut i: usize) -> usize {
    let mut hashes = 0;
    while chars.get(i) == Some(&'#') {
        hashes += 1;
        i += 1;
    }
    i += 1;
    while i < chars.len() {
        if chars[i] == '"'
            && chars[i + 1..]
                .iter()
                .take(hashes)
                .filter(|c| **c == '#')
                .count()
                == hashes
        {
            return i + 1 + hashes;
        }
        i += 1;
    }
    i
}

/// Past a character literal at `i`, or just past the quote of a lifetime.
fn skip_quote(chars: &[char], i: usize) -> usize {
    match chars.get(i + 1) {
        Some('\\') => {
            // The character after the backslash is escaped, even when it is a quote.
            let mut j = i + 3;
            while j < chars.len() && chars[j] != '\'' {
                j += 1;
            }
            j + 1
        }
        Some(_) if chars.get(i + 2) == Some(&'\'') => i + 3,
        _ => i + 1,
    }
}

/// The `mod x;` declarations of a file, each with the inline modules it sits in.
fn declared(tokens: &[Token]) -> Vec<(Vec<String>, String)> {
    let mut found = Vec::new();
    walk(tokens, |i, inline| {
        if let (true, Some(Token::Ident(child)), true) = (
            is_ident(tokens.get(i), "mod"),
            tokens.get(i + 1),
            is_punct(tokens.get(i + 2), ';'),
        ) {
            found.push((inline.to_vec(), child.clone()));
        }
        i + 1
    });
    found
}

/// Calls `at(index, inline modules around it)` on each token, in order; `at` says
/// where to go on.
fn walk(tokens: &[Token], mut at: impl FnMut(usize, &[String]) -> usize) {
    let mut depth = 0usize;
    // Each inline module open, with the brace depth inside it.
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut opening: Option<String> = None;
    let mut i = 0;
    while i < tokens.len() {
        match &tokens[i] {
            Token::Punct('{') => {
                depth += 1;
                if let Some(name) = opening.take() {
                    inline.push((name, depth));
                }
                i += 1;
                continue;
            }
            Token::Punct('}') => {
                if inline.last().is_some_and(|(_, d)| *d == depth) {
                    inline.pop();
                }
                depth = depth.saturating_sub(1);
                i += 1;
                continue;
            }
            Token::Ident(word) if word == "mod" => {
                if let (Some(Token::Ident(name)), true) =
                    (tokens.get(i + 1), is_punct(tokens.get(i + 2), '{'))
                {
                    opening = Some(name.clone());
                }
            }
            _ => {}
        }
        let names: Vec<String> = inline.iter().map(|(name, _)| name.clone()).collect();
        i = at(i, &names).max(i + 1);
    }
}

/// Every path that names a module of the crate, made absolute (without `crate`).
fn paths(tokens: &[Token], file: &[String], known: &BTreeSet<Vec<String>>) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    walk(tokens, |i, inline| {
        let Some(Token::Ident(first)) = tokens.get(i) else {
            return i + 1;
        };
        if QUOTING.contains(&first.as_str()) && is_punct(tokens.get(i + 1), '!') {
            return past_group(tokens, i + 2);
        }
        let starts_path = is_path_sep(tokens, i + 1)
            && !(i >= 1 && is_punct(tokens.get(i - 1), ':'))
            && !(i >= 1 && is_punct(tokens.get(i - 1), '$') && first != "crate");
        if !starts_path {
            return i + 1;
        }
        let mut here: Vec<String> = file.to_vec();
        here.extend(inline.iter().cloned());
        let mut raw = Vec::new();
        let next = use_tree(tokens, i, Vec::new(), &mut raw);
        for path in raw {
            if let Some(absolute) = absolute(&path, &here, known) {
                found.push(absolute);
            }
        }
        next
    });
    found
}

/// Macros whose input is code to generate, not code that runs here: a `crate::` path
/// inside names the crate the code is generated for.
const QUOTING: [&str; 4] = [
    "quote",
    "quote_spanned",
    "parse_quote",
    "parse_quote_spanned",
];

/// Past the bracketed group that starts at `i` (or just `i` if none starts there).
fn past_group(tokens: &[Token], mut i: usize) -> usize {
    let mut depth = 0usize;
    while let Some(token) = tokens.get(i) {
        match token {
            Token::Punct('(' | '[' | '{') => depth += 1,
            Token::Punct(')' | ']' | '}') => depth = depth.saturating_sub(1),
            _ if depth == 0 => return i,
            _ => {}
        }
        i += 1;
        if depth == 0 {
            return i;
        }
    }
    i
}

/// Reads a path or `use` tree from `i`, pushing each full path; returns where it ends.
fn use_tree(
    tokens: &[Token],
    mut i: usize,
    mut prefix: Vec<String>,
    out: &mut Vec<Vec<String>>,
) -> usize {
    loop {
        match tokens.get(i) {
            Some(Token::Ident(segment)) => {
                prefix.push(segment.clone());
                i += 1;
            }
            Some(Token::Punct('{')) => {
                i += 1;
                loop {
                    match tokens.get(i) {
                        None => return i,
                        Some(Token::Punct('}')) => return i + 1,
                        Some(Token::Punct(',')) => i += 1,
                        Some(_) => i = use_tree(tokens, i, prefix.clone(), out).max(i + 1),
                    }
                }
            }
            _ => {
                out.push(prefix);
                return i + usize::from(is_punct(tokens.get(i), '*'));
            }
        }
        if is_path_sep(tokens, i) {
            i += 2;
        } else {
            out.push(prefix);
            return i;
        }
    }
}

/// A path as seen from module `here`, made absolute, if it names a module of the crate.
fn absolute(
    path: &[String],
    here: &[String],
    known: &BTreeSet<Vec<String>>,
) -> Option<Vec<String>> {
    let first = path.first()?;
    match first.as_str() {
        "crate" => Some(path[1..].to_vec()),
        "self" => Some(here.iter().chain(&path[1..]).cloned().collect()),
        "super" => {
            let ups = path.iter().take_while(|s| *s == "super").count();
            let base = here.get(..here.len().checked_sub(ups)?)?;
            Some(base.iter().chain(&path[ups..]).cloned().collect())
        }
        _ => {
            let absolute: Vec<String> = here.iter().chain(path).cloned().collect();
            let child = &absolute[..here.len() + 1];
            known.contains(child).then_some(absolute)
        }
    }
}
