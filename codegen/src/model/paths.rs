//! Path templates: literal text and `{name}` placeholders, each matched to a path
//! parameter.

use super::items::{Param, ParamLocation, PathPart};
use super::resolver::Resolver;
use crate::pointer::Pointer;

impl Resolver<'_> {
    /// Splits the path into literal text and parameters, checking that every `{name}`
    /// is a path parameter and every path parameter appears exactly once: a parameter
    /// that is not in the template would be silently dropped, and a placeholder without
    /// a parameter would be sent as literal braces.
    pub(super) fn path_template(
        &mut self,
        path: &str,
        params: &[Param],
        at: &Pointer,
    ) -> Option<Vec<PathPart>> {
        let parts = match split_template(path) {
            Ok(parts) => parts,
            Err(message) => {
                self.problems.push(at, message);
                return None;
            }
        };
        let mut ok = true;
        let mut used = vec![false; params.len()];
        let mut resolved = Vec::new();
        for part in parts {
            match part {
                Part::Literal(text) => resolved.push(PathPart::Literal(text)),
                Part::Param(name) => {
                    let index = params.iter().position(|param| {
                        param.location == ParamLocation::Path && param.wire_name == name
                    });
                    match index {
                        Some(index) if used[index] => {
                            self.problems.push(
                                at,
                                format!("`{{{name}}}` appears twice in the path `{path}`"),
                            );
                            ok = false;
                        }
                        Some(index) => {
                            used[index] = true;
                            resolved.push(PathPart::Param(index));
                        }
                        None => {
                            self.problems.push(
                                at,
                                format!("the path `{path}` has `{{{name}}}` but the operation has no path parameter `{name}`"),
                            );
                            ok = false;
                        }
                    }
                }
            }
        }
        for (param, used) in params.iter().zip(used) {
            if param.location == ParamLocation::Path && !used {
                self.problems.push(
                    at,
                    format!(
                        "the path parameter `{}` does not appear in the path `{path}`",
                        param.wire_name
                    ),
                );
                ok = false;
            }
        }
        ok.then_some(resolved)
    }
}

enum Part {
    Literal(String),
    Param(String),
}

fn split_template(path: &str) -> Result<Vec<Part>, String> {
    let mut parts = Vec::new();
    let mut rest = path;
    while !rest.is_empty() {
        match rest.find(['{', '}']) {
            None => {
                parts.push(Part::Literal(rest.to_owned()));
                break;
            }
            Some(start) if rest[start..].starts_with('}') => {
                return Err(format!("the path `{path}` has a `}}` without a `{{`"));
            }
            Some(start) => {
                if start > 0 {
                    parts.push(Part::Literal(rest[..start].to_owned()));
                }
                let after = &rest[start + 1..];
                let Some(end) = after.find('}') else {
                    return Err(format!("the path `{path}` has a `{{` without a `}}`"));
                };
                let name = &after[..end];
                if name.is_empty() || name.contains('{') {
                    return Err(format!("the path `{path}` has a malformed `{{...}}`"));
                }
                parts.push(Part::Param(name.to_owned()));
                rest = &after[end + 1..];
            }
        }
    }
    Ok(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(path: &str) -> Result<Vec<String>, String> {
        split_template(path).map(|parts| {
            parts
                .into_iter()
                .map(|part| match part {
                    Part::Literal(text) => text,
                    Part::Param(name) => format!("<{name}>"),
                })
                .collect()
        })
    }

    #[test]
    fn templates_split_into_text_and_parameters() {
        assert_eq!(
            shown("/v2/{project_id}/graphs").unwrap(),
            ["/v2/", "<project_id>", "/graphs"]
        );
        assert_eq!(shown("/a/{b}{c}").unwrap(), ["/a/", "<b>", "<c>"]);
        assert!(shown("/a/{b").is_err());
        assert!(shown("/a/b}").is_err());
        assert!(shown("/a/{}").is_err());
    }
}
