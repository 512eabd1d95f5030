//! The rules a body must follow beyond JSON's grammar, so that a signed body cannot be read two
//! ways: no object with two equal keys (compared after unescaping), and no string that escapes
//! half of a UTF-16 surrogate pair (`"\ud800"`, which is not Unicode text).
//!
//! [`check`] walks JSON text that serde_json has already accepted, in one pass, with an
//! explicit stack instead of recursion (so any depth is fine) and memory linear in the text.

use std::borrow::Cow;
use std::collections::HashSet;

use crate::error::excerpt;

/// Objects with more keys than this keep them in a hash set; smaller ones are compared
/// linearly, which is faster than hashing for the handful of keys an object usually has.
const LINEAR_KEYS: usize = 16;

/// Why `check` refused the text, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Violation {
    /// The JSON path of the offending object or string, relative to the text's root:
    /// `""` for the root, `"items[1].attributes"` below it.
    pub(crate) path: String,
    /// What was wrong, short and bounded: ``duplicate key `vip` ``.
    pub(crate) message: String,
}

/// One open array or object.
enum Frame<'a> {
    /// An array and the index of its current element.
    Array(usize),
    /// An object: its keys so far and the current one.
    Object(Box<ObjectFrame<'a>>),
}

struct ObjectFrame<'a> {
    /// Where this object's keys start in the shared key stack (small objects).
    keys_start: usize,
    /// The keys of a large object (more than [`LINEAR_KEYS`]).
    set: Option<HashSet<Cow<'a, str>>>,
    /// The current key, for the path.
    current: Cow<'a, str>,
    /// Whether the next string is a key.
    expecting_key: bool,
}

/// Checks `text` (JSON that serde_json accepted) against the rules of this module.
///
/// Time and memory are linear in the length of `text`: each byte is looked at a bounded
/// number of times, keys are hashed (with std's DoS-resistant hasher) once an object has more
/// than a few, and the stack holds one frame per open array or object.
pub(crate) fn check(text: &str) -> Result<(), Violation> {
    let bytes = text.as_bytes();
    let mut stack: Vec<Frame<'_>> = Vec::new();
    let mut keys: Vec<Cow<'_, str>> = Vec::new();
    let mut at = 0;
    while let Some(&byte) = bytes.get(at) {
        match byte {
            b'"' => {
                let end = string_end(bytes, at)
                    .ok_or_else(|| violation(&stack, "unterminated string".to_owned()))?;
                let (Some(quoted), Some(inner)) = (text.get(at..end), text.get(at + 1..end - 1))
                else {
                    return Err(violation(&stack, "malformed string".to_owned()));
                };
                let escaped = inner.contains('\\');
                let is_key = matches!(stack.last(), Some(Frame::Object(o)) if o.expecting_key);
                if is_key {
                    let key = if escaped {
                        Cow::Owned(unescape(quoted).ok_or_else(|| lone_surrogate(&stack))?)
                    } else {
                        Cow::Borrowed(inner)
                    };
                    insert_key(&mut stack, &mut keys, key)?;
                } else if escaped && inner.contains("\\u") && unescape(quoted).is_none() {
                    return Err(lone_surrogate(&stack));
                }
                at = end;
            }
            b'{' => {
                stack.push(Frame::Object(Box::new(ObjectFrame {
                    keys_start: keys.len(),
                    set: None,
                    current: Cow::Borrowed(""),
                    expecting_key: true,
                })));
                at += 1;
            }
            b'[' => {
                stack.push(Frame::Array(0));
                at += 1;
            }
            b'}' | b']' => {
                if let Some(Frame::Object(object)) = stack.pop() {
                    keys.truncate(object.keys_start);
                }
                at += 1;
            }
            b',' => {
                match stack.last_mut() {
                    Some(Frame::Array(index)) => *index += 1,
                    Some(Frame::Object(object)) => object.expecting_key = true,
                    None => {}
                }
                at += 1;
            }
            _ => at += 1,
        }
    }
    Ok(())
}

/// Records `key` in the innermost object, or says it came twice.
fn insert_key<'a>(
    stack: &mut [Frame<'a>],
    keys: &mut Vec<Cow<'a, str>>,
    key: Cow<'a, str>,
) -> Result<(), Violation> {
    let Some(Frame::Object(object)) = stack.last_mut() else {
        return Ok(());
    };
    object.expecting_key = false;
    let duplicate = match &mut object.set {
        Some(set) => !set.insert(key.clone()),
        None => {
            let small = keys.get(object.keys_start..).unwrap_or_default();
            if small.contains(&key) {
                true
            } else if small.len() < LINEAR_KEYS {
                keys.push(key.clone());
                false
            } else {
                let mut set: HashSet<Cow<'a, str>> = keys.drain(object.keys_start..).collect();
                set.insert(key.clone());
                object.set = Some(set);
                false
            }
        }
    };
    object.current = key;
    if duplicate {
        let message = format!("duplicate key `{}`", excerpt(&object.current));
        // The path of the object, not of the key.
        object.current = Cow::Borrowed("");
        return Err(violation(stack, message));
    }
    Ok(())
}

fn lone_surrogate(stack: &[Frame<'_>]) -> Violation {
    violation(
        stack,
        "a string escapes half of a UTF-16 surrogate pair (not Unicode text)".to_owned(),
    )
}

fn violation(stack: &[Frame<'_>], message: String) -> Violation {
    Violation {
        path: path_of(stack),
        message,
    }
}

/// The JSON path of the innermost open value, e.g. `items[1].attributes`.
fn path_of(stack: &[Frame<'_>]) -> String {
    let mut path = String::new();
    for frame in stack {
        match frame {
            Frame::Array(index) => path.push_str(&format!("[{index}]")),
            Frame::Object(object) if object.current.is_empty() => {}
            Frame::Object(object) => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(&excerpt(&object.current));
            }
        }
    }
    path
}

/// The index just past the closing quote of the string that starts at `start`.
fn string_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut at = start + 1;
    loop {
        let rest = bytes.get(at..)?;
        let found = memchr::memchr2(b'"', b'\\', rest)?;
        at += found;
        match bytes.get(at)? {
            b'\\' => at += 2,
            _ => return Some(at + 1),
        }
    }
}

/// The unescaped text of a JSON string literal (quotes included), or `None` when it escapes a
/// lone surrogate.
fn unescape(quoted: &str) -> Option<String> {
    serde_json::from_str::<String>(quoted).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn violation_of(text: &str) -> (String, String) {
        let v = check(text).expect_err(text);
        (v.path, v.message)
    }

    #[test]
    fn accepts_distinct_keys_at_every_level() {
        for text in [
            r#"{}"#,
            r#"{"a":1,"b":{"a":1,"b":[{"a":1},{"a":2}]}}"#,
            r#"[{"a":"\"a\""},{"a":"\u00e9"}]"#,
            r#"{"k\"":1,"k":2}"#,
            r#""\ud83d\ude00""#,
        ] {
            assert_eq!(check(text), Ok(()), "{text}");
        }
    }

    #[test]
    fn finds_duplicates_with_their_path() {
        assert_eq!(
            violation_of(r#"{"a":1,"a":2}"#),
            (String::new(), "duplicate key `a`".to_owned())
        );
        assert_eq!(
            violation_of(r#"{"x":[1,{"b":{"c":1,"d":2,"c":3}}]}"#),
            ("x[1].b".to_owned(), "duplicate key `c`".to_owned())
        );
        // Escapes are compared unescaped.
        assert_eq!(
            violation_of(r#"{"data":{"id":1,"\u0069d":2}}"#),
            ("data".to_owned(), "duplicate key `id`".to_owned())
        );
    }

    #[test]
    fn large_objects_switch_to_a_set() {
        let keys: Vec<String> = (0..100).map(|i| format!(r#""k{i}":{i}"#)).collect();
        let text = format!("{{{}}}", keys.join(","));
        assert_eq!(check(&text), Ok(()));
        let text = format!(r#"{{{},"k57":0}}"#, keys.join(","));
        assert_eq!(violation_of(&text).1, "duplicate key `k57`");
    }

    #[test]
    fn lone_surrogates_are_refused() {
        assert!(violation_of(r#"{"a":"\ud800"}"#).1.contains("surrogate"));
        assert!(violation_of(r#"{"\udc00":1}"#).1.contains("surrogate"));
    }

    #[test]
    fn any_depth() {
        let text = format!("{}{}", "[{\"a\":".repeat(50_000), "1}]".repeat(50_000));
        assert_eq!(check(&text), Ok(()));
    }
}
