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

/// One open array or object (8 bytes: the stack of a 10 MB body nested to the end stays a
/// small multiple of it).
#[derive(Clone, Copy)]
enum Frame {
    /// An array and the index of its current element.
    Array(u32),
    /// An object: its state is the matching entry of the object stack.
    Object,
}

/// An open object.
struct ObjectFrame<'a> {
    /// Where this object's keys start in the shared key stack. A small object keeps every key
    /// there; a large one only its current key (the others are in `set`). The last key there
    /// is the current one, for the path.
    keys_start: usize,
    /// Whether the next string is a key.
    expecting_key: bool,
    /// The keys of a large object (more than [`LINEAR_KEYS`]).
    // Boxed on purpose: a frame of an object nested 100,000 deep stays 8 bytes here, not 48.
    #[allow(clippy::box_collection)]
    set: Option<Box<HashSet<Cow<'a, str>>>>,
}

/// The open arrays and objects, innermost last, and the keys of the open objects.
#[derive(Default)]
struct Stack<'a> {
    frames: Vec<Frame>,
    objects: Vec<ObjectFrame<'a>>,
    keys: Vec<Cow<'a, str>>,
}

/// Checks `text` (JSON that serde_json accepted) against the rules of this module.
///
/// Time and memory are linear in the length of `text`: each byte is looked at a bounded
/// number of times, keys are hashed (with std's DoS-resistant hasher) once an object has more
/// than a few, and the stack holds one small frame per open array or object.
pub(crate) fn check(text: &str) -> Result<(), Violation> {
    let bytes = text.as_bytes();
    let mut stack = Stack::default();
    let mut at = 0;
    while let Some(&byte) = bytes.get(at) {
        match byte {
            b'"' => {
                let end = string_end(bytes, at)
                    .ok_or_else(|| stack.violation("unterminated string".to_owned(), true))?;
                let (Some(quoted), Some(inner)) = (text.get(at..end), text.get(at + 1..end - 1))
                else {
                    return Err(stack.violation("malformed string".to_owned(), true));
                };
                let escaped = inner.contains('\\');
                if stack.expecting_key() {
                    let key = if escaped {
                        Cow::Owned(unescape(quoted).ok_or_else(|| stack.lone_surrogate(true))?)
                    } else {
                        Cow::Borrowed(inner)
                    };
                    stack.insert_key(key)?;
                } else if escaped && inner.contains("\\u") && unescape(quoted).is_none() {
                    return Err(stack.lone_surrogate(false));
                }
                at = end;
            }
            b'{' => {
                stack.frames.push(Frame::Object);
                stack.objects.push(ObjectFrame {
                    keys_start: stack.keys.len(),
                    expecting_key: true,
                    set: None,
                });
                at += 1;
            }
            b'[' => {
                stack.frames.push(Frame::Array(0));
                at += 1;
            }
            b'}' | b']' => {
                if let Some(Frame::Object) = stack.frames.pop() {
                    if let Some(object) = stack.objects.pop() {
                        stack.keys.truncate(object.keys_start);
                    }
                }
                at += 1;
            }
            b',' => {
                match stack.frames.last_mut() {
                    Some(Frame::Array(index)) => *index = index.saturating_add(1),
                    Some(Frame::Object) => {
                        if let Some(object) = stack.objects.last_mut() {
                            object.expecting_key = true;
                        }
                    }
                    None => {}
                }
                at += 1;
            }
            _ => at += 1,
        }
    }
    Ok(())
}

impl<'a> Stack<'a> {
    /// Whether the next string is a key of the innermost object.
    fn expecting_key(&self) -> bool {
        matches!(self.frames.last(), Some(Frame::Object))
            && self.objects.last().is_some_and(|o| o.expecting_key)
    }

    /// Records `key` in the innermost object, or says it came twice.
    fn insert_key(&mut self, key: Cow<'a, str>) -> Result<(), Violation> {
        let Some(object) = self.objects.last_mut() else {
            return Ok(());
        };
        object.expecting_key = false;
        let start = object.keys_start;
        let duplicate = match &mut object.set {
            Some(set) => {
                let duplicate = !set.insert(key.clone());
                self.keys.truncate(start);
                duplicate
            }
            None => {
                let small = self.keys.get(start..).unwrap_or_default();
                if small.contains(&key) {
                    true
                } else if small.len() >= LINEAR_KEYS {
                    let mut set: HashSet<Cow<'a, str>> = self.keys.drain(start..).collect();
                    set.insert(key.clone());
                    object.set = Some(Box::new(set));
                    false
                } else {
                    false
                }
            }
        };
        if duplicate {
            let message = format!("duplicate key `{}`", excerpt(&key));
            return Err(self.violation(message, true));
        }
        self.keys.push(key);
        Ok(())
    }

    fn lone_surrogate(&self, in_key: bool) -> Violation {
        self.violation(
            "a string escapes half of a UTF-16 surrogate pair (not Unicode text)".to_owned(),
            in_key,
        )
    }

    /// A violation at the current place: the innermost value, or with `in_object` the
    /// innermost object itself (for a problem with one of its keys).
    fn violation(&self, message: String, in_object: bool) -> Violation {
        Violation {
            path: self.path(in_object),
            message,
        }
    }

    /// The JSON path of the innermost open value, e.g. `items[1].attributes`; without the
    /// innermost object's current key when `in_object`.
    fn path(&self, in_object: bool) -> String {
        let mut path = String::new();
        let mut objects = self.objects.iter().enumerate().peekable();
        let depth = self.frames.len();
        for (level, frame) in self.frames.iter().enumerate() {
            match frame {
                Frame::Array(index) => path.push_str(&format!("[{index}]")),
                Frame::Object => {
                    let Some((i, _)) = objects.next() else { break };
                    if in_object && level + 1 == depth {
                        break;
                    }
                    // The object's current key: the last of its keys, which end where the
                    // next object's start.
                    let end = self
                        .objects
                        .get(i + 1)
                        .map_or(self.keys.len(), |next| next.keys_start);
                    let key = end.checked_sub(1).and_then(|last| self.keys.get(last));
                    let start = self.objects.get(i).map_or(0, |o| o.keys_start);
                    if let Some(key) = key.filter(|_| end > start) {
                        if !path.is_empty() {
                            path.push('.');
                        }
                        path.push_str(&excerpt(key));
                    }
                }
            }
        }
        path
    }
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
    fn paths_name_the_place() {
        assert_eq!(
            violation_of(r#"{"a":[{"b":1},{"c":{"d":"\ud800"}}]}"#).0,
            "a[1].c.d"
        );
        assert_eq!(violation_of(r#"{"a":1,"b":{"x":1,"\ud800":2}}"#).0, "b");
        let many: Vec<String> = (0..40).map(|i| format!(r#""k{i}":{i}"#)).collect();
        let text = format!(
            r#"{{"outer":{{{},"k39":{{"z":"\udc00"}}}}}}"#,
            many.join(",")
        );
        assert_eq!(violation_of(&text).1, "duplicate key `k39`");
        let text = format!(
            r#"{{"outer":{{{},"last":{{"z":"\udc00"}}}}}}"#,
            many.join(",")
        );
        assert_eq!(violation_of(&text).0, "outer.last.z");
    }

    #[test]
    fn any_depth() {
        let text = format!("{}{}", "[{\"a\":".repeat(50_000), "1}]".repeat(50_000));
        assert_eq!(check(&text), Ok(()));
    }
}
