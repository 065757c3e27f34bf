//! The core's rooms open one way: each module of `src/` imports only rooms
//! above it in [`ORDER`] (as src/lib.rs lists them), so no module imports
//! one that imports it back.

use std::collections::BTreeMap;
use std::path::Path;

/// The rooms, each allowed to import only those before it.
const ORDER: &[&str] = &[
    "text", "time", "error", "ps256", "rng", "key", "jwt", "check", "token", "wasm",
];

/// The room of a name lib.rs re-exports (`crate::AuthorizedKey`).
fn reexport(name: &str) -> Option<&'static str> {
    Some(match name {
        "AuthorizedKey" | "KeyFile" | "VerifyingKey" => "key",
        "Error" | "Result" | "ERROR_CODES" => "error",
        "check_key" | "Check" | "Report" | "Verdict" => "check",
        "Decoded" | "SignOptions" | "VerifyOptions" => "jwt",
        "Flow" | "FlowSpec" | "HttpRequest" | "Token" => "token",
        _ => return None,
    })
}

/// The room a path inside `src/` belongs to: its first component.
fn room_of(path: &Path) -> String {
    let first = path
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy()
        .into_owned();
    first.trim_end_matches(".rs").to_string()
}

/// The rooms the code (not the comments) of `text` names through `crate::`.
fn imports(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.starts_with("//")) {
        for (at, _) in line.match_indices("crate::") {
            let rest = &line[at + "crate::".len()..];
            let names: Vec<&str> = if let Some(group) = rest.strip_prefix('{') {
                let end = group.find('}').unwrap_or(group.len());
                group[..end].split(',').map(str::trim).collect()
            } else {
                vec![rest]
            };
            for name in names {
                let head: String = name
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if head.is_empty() || head == "self" {
                    continue;
                }
                let room = reexport(&head).map_or(head.clone(), str::to_string);
                out.push(room);
            }
        }
    }
    out
}

fn walk(dir: &Path, root: &Path, out: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            walk(&path, root, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let relative = path.strip_prefix(root).unwrap().to_path_buf();
            out.push((
                relative.display().to_string(),
                std::fs::read_to_string(&path).unwrap(),
            ));
        }
    }
}

#[test]
fn each_room_imports_only_the_rooms_above_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    walk(&root, &root, &mut files);
    assert!(files.len() > 15, "{files:?}");
    let mut graph: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for (file, text) in &files {
        if file == "lib.rs" {
            continue;
        }
        let room = room_of(Path::new(file));
        let rank = ORDER
            .iter()
            .position(|r| *r == room)
            .unwrap_or_else(|| panic!("{file}: room {room} is not in ORDER"));
        for imported in imports(text) {
            if imported == room {
                continue;
            }
            let other = ORDER
                .iter()
                .position(|r| *r == imported)
                .unwrap_or_else(|| panic!("{file}: imports crate::{imported}, which is no room"));
            assert!(
                other < rank,
                "{file} ({room}) imports {imported}, which comes after it: the rooms would open both ways"
            );
            graph
                .entry(room.clone())
                .or_default()
                .push((imported, file.clone()));
        }
    }
    // The check saw the imports it is about.
    assert!(graph["jwt"].iter().any(|(r, _)| r == "key"), "{graph:?}");
    assert!(graph["token"].iter().any(|(r, _)| r == "jwt"), "{graph:?}");
    assert!(graph["error"].iter().any(|(r, _)| r == "text"), "{graph:?}");
}

#[test]
fn the_import_reader_sees_groups_and_reexports() {
    assert_eq!(
        imports("use crate::{AuthorizedKey, Error, VerifyingKey};\n// crate::token\nlet x = crate::text::one_line(a);"),
        ["key", "error", "key", "text"]
    );
}
