//! The collector every check reports to, so that one run shows every problem.
//!
//! The idea is serde_derive's `Ctxt`: checks push problems and carry on with what they
//! can, and the caller must look at the collection before dropping it. Forgetting to is
//! a bug in the generator, caught by a panic on drop, so a problem can never be lost.

use crate::error::Problem;
use crate::pointer::Pointer;

pub(crate) struct Problems {
    // `None` once `finish` has taken the list: the drop check below relies on it.
    found: Option<Vec<Problem>>,
}

impl Problems {
    pub(crate) fn new() -> Self {
        Self {
            found: Some(Vec::new()),
        }
    }

    /// Records a problem at `pointer`. The same problem reached twice, as happens with
    /// a shared component used by several operations, is kept once.
    pub(crate) fn push(&mut self, pointer: &Pointer, message: impl Into<String>) {
        let problem = Problem::new(pointer.to_string(), message.into());
        if let Some(found) = &mut self.found
            && !found.contains(&problem)
        {
            found.push(problem);
        }
    }

    /// Every problem found, in the order they were found, or `Ok` if there was none.
    pub(crate) fn finish(mut self) -> Result<(), Vec<Problem>> {
        match self.found.take() {
            Some(found) if !found.is_empty() => Err(found),
            _ => Ok(()),
        }
    }
}

impl Drop for Problems {
    fn drop(&mut self) {
        // A generator bug, not a spec problem: someone collected problems and never
        // looked. Not while already unwinding, which would abort and hide the cause.
        if self.found.is_some() && !std::thread::panicking() {
            panic!("Problems dropped without calling finish()");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_are_kept_once_in_order() {
        let mut problems = Problems::new();
        let a = Pointer::root().push("a");
        let b = Pointer::root().push("b");
        problems.push(&b, "two");
        problems.push(&a, "one");
        problems.push(&b, "two");
        let found = problems.finish().unwrap_err();
        let shown: Vec<String> = found.iter().map(ToString::to_string).collect();
        assert_eq!(shown, ["#/b: two", "#/a: one"]);
    }

    #[test]
    fn no_problem_is_ok() {
        assert!(Problems::new().finish().is_ok());
    }
}
